"""What the record still owes after a safety alert is closed: a safety plan the
risk assessment recorded as made, with no version signed since (closed by the
on-call clinician or director who could not open the chart). Shown on the
clinician's home page and counted in their morning digest."""

from iop.models import Client

from .models import SafetyAlert


def safety_plans_owed(user, clients=None):
    """Admitted clients whose chart ``user`` reads that are owed a safety plan: for
    each, the first closed alert that recorded one with none signed since; the
    longest owed first. ``clients``: those admitted clients, when the page has them
    already (whose charts ``user`` reads: the caller makes sure)."""
    if clients is None:
        alerts = SafetyAlert.objects.filter(
            client__in=Client.objects.clinical_for(user), client__status=Client.Status.ADMITTED
        )
    else:
        alerts = SafetyAlert.objects.filter(client_id__in=[client.pk for client in clients])
    # Nearly always none: a short query of ids says so before the alerts are read with
    # their clients and assessors.
    found = list(alerts.safety_plan_owed().values_list("pk", flat=True))
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
