"""What the record still owes after a safety alert is closed: a safety plan the
risk assessment recorded as made, with no version signed since (closed by the
on-call clinician or director who could not open the chart). Shown on the
clinician's home page and counted in their morning digest."""

from iop.models import Client
from iop.prepared import Prepared

from .models import SafetyAlert

#: The ids of the alerts owing a plan, of the admitted clients whose charts the reader
#: reads. Nearly always none: a short query says so before the alerts are read with
#: their clients and assessors.
_OWED = Prepared(
    lambda reader: (
        SafetyAlert.objects.filter(
            client__in=Client.objects.clinical_for(reader), client__status=Client.Status.ADMITTED
        )
        .safety_plan_owed()
        .values_list("pk", flat=True)
    )
)


def safety_plans_owed(user):
    """Admitted clients whose chart ``user`` reads that are owed a safety plan: for
    each, the first closed alert that recorded one with none signed since; the
    longest owed first."""
    found = _OWED.run(user)
    if not found:
        return []
    owed = (
        SafetyAlert.objects.filter(pk__in=found)
        .select_related("client", "risk_assessment__assessed_by")
        .order_by("created_at")
    )
    first_per_client = {}
    for alert in owed:
        first_per_client.setdefault(alert.client_id, alert)
    return list(first_per_client.values())
