"""Treatment-plan reviews on the program's cadence (Program.plan_review_days):
which plan is current, when its review is due, and whose reviews are late."""

from django.db.models import Max
from django.utils import timezone

from iop.models import Client, Program
from iop.prepared import Prepared

from .models import TreatmentPlan

#: The signed plan versions of the admitted clients the reader may see, each with the
#: day it was last reviewed (numbers and dates only).
_SIGNED_VERSIONS = Prepared(
    lambda reader: (
        TreatmentPlan.objects.visible_to(reader)
        .filter(client__status=Client.Status.ADMITTED)
        .signed()
        .order_by()
        .annotate(last_review=Max("reviews__reviewed_on"))
        .values_list("client_id", "version", "pk", "signed_at", "last_review")
    )
)


def reviews_overdue(user, today=None):
    """(plan, due date) for current plans whose review date has passed, most overdue first.

    Read in two steps, the second only when the first found something: the signed
    versions of the admitted clients ``user`` may read with the day each was last
    reviewed (numbers and dates only), then the overdue plans with their clients."""
    today = today or timezone.localdate()
    days = Program.current().plan_review_days
    versions = _SIGNED_VERSIONS.run(user)
    current = {}
    for client_id, version, pk, signed_at, last_review in versions:
        if client_id not in current or version > current[client_id][0]:
            current[client_id] = (version, pk, last_review or timezone.localdate(signed_at))
    if not current:
        return []
    # Due ``days`` after the last review, or after signing when there is none.
    due = {pk: since + timezone.timedelta(days=days) for _version, pk, since in current.values()}
    overdue = {pk: day for pk, day in due.items() if day < today}
    if not overdue:
        return []
    plans = TreatmentPlan.objects.filter(pk__in=overdue).select_related("client")
    return sorted(((plan, overdue[plan.pk]) for plan in plans), key=lambda item: (item[1], item[0].pk))
