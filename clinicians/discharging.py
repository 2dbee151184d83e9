"""Ending an episode: the client's status at discharge and the discharge itself."""

from django.apps import apps
from django.db import transaction

from iop import audit
from iop.models import Client


def last_phq_total(client):
    """The client's most recent PHQ-9 / PHQ-A total, or None when the program has
    no measures yet, the client has no scores, or the last one has no total."""
    try:
        administrations = apps.get_model("clinicians", "PHQAdministration")
    except LookupError:
        return None
    latest = administrations.objects.filter(client=client).order_by("-pk").first()
    total = getattr(latest, "total", None) if latest else None
    return total() if callable(total) else total


@transaction.atomic
def discharge(client, record, user):
    """Save the discharge ``record`` and end the episode."""
    record.client = client
    record.author = user
    record.last_phq_total = last_phq_total(client)
    record.full_clean()
    record.save()
    Client.objects.filter(pk=client.pk).update(status=Client.Status.DISCHARGED, discharged_on=record.discharged_on)
    client.refresh_from_db()
    audit.record("discharge", record, client=client)
    return record
