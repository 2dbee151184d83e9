"""Treatment-plan reviews on the program's cadence (Program.plan_review_days):
which plan is current, when its review is due, and whose reviews are late."""

from django.db.models import Max
from django.utils import timezone

from iop.models import Client, Program

from .models import PlanReview, TreatmentPlan


def reviews_overdue(user, today=None):
    """(plan, due date) for current plans whose review date has passed, most overdue first.

    Read in steps, each only when the one before found something: the signed versions
    of the admitted clients ``user`` may read (numbers and dates only), the last review
    of each current plan, then the overdue plans with their clients."""
    today = today or timezone.localdate()
    days = Program.current().plan_review_days
    versions = (
        TreatmentPlan.objects.visible_to(user)
        .signed()
        .filter(client__status=Client.Status.ADMITTED)
        .values_list("client_id", "version", "pk", "signed_at")
    )
    current = {}
    for client_id, version, pk, signed_at in versions:
        if client_id not in current or version > current[client_id][0]:
            current[client_id] = (version, pk, timezone.localdate(signed_at))
    candidates = {pk: signed_on for _version, pk, signed_on in current.values()}
    if not candidates:
        return []
    reviewed = dict(
        PlanReview.objects.filter(plan__in=candidates)
        .order_by()
        .values("plan")
        .annotate(last=Max("reviewed_on"))
        .values_list("plan", "last")
    )
    # Due ``days`` after the last review, or after signing when there is none.
    due = {pk: (reviewed.get(pk) or signed_on) + timezone.timedelta(days=days) for pk, signed_on in candidates.items()}
    overdue = {pk: day for pk, day in due.items() if day < today}
    if not overdue:
        return []
    plans = TreatmentPlan.objects.filter(pk__in=overdue).select_related("client")
    return sorted(((plan, overdue[plan.pk]) for plan in plans), key=lambda item: (item[1], item[0].pk))
