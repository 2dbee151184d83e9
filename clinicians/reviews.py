"""Treatment-plan reviews on the program's cadence (Program.plan_review_days):
which plan is current, when its review is due, and whose reviews are late."""

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from iop.models import Client, Program

from .models import TreatmentPlan


def current_plans(user):
    """The latest signed plan of each admitted client ``user`` may read, with
    ``last_reviewed_on`` annotated."""
    latest_signed = (
        TreatmentPlan.objects.signed().filter(client=OuterRef("client")).order_by("-version").values("pk")[:1]
    )
    return (
        TreatmentPlan.objects.visible_to(user)
        .signed()
        .filter(client__status=Client.Status.ADMITTED, pk=Subquery(latest_signed))
        .annotate(last_reviewed_on=Max("reviews__reviewed_on"))
        .select_related("client")
    )


def reviews_overdue(user, today=None):
    """(plan, due date) for current plans whose review date has passed, most overdue first."""
    today = today or timezone.localdate()
    days = Program.current().plan_review_days
    due = [(plan, plan.review_due_on(plan.last_reviewed_on, days)) for plan in current_plans(user)]
    return sorted(((plan, day) for plan, day in due if day < today), key=lambda item: item[1])
