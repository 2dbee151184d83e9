"""Ending an episode: the client's status at discharge and the discharge itself."""

from django.db import transaction

from iop import audit
from iop.models import Client

from . import reports
from .models import Administration
from .models.measures import PHQ_KINDS


def last_phq_total(client):
    """The client's most recent PHQ-9 / PHQ-A total, or None when there is no
    scored one yet."""
    latest = Administration.objects.filter(client=client, instrument__in=PHQ_KINDS, total__isnull=False).first()
    return latest.total if latest else None


def objectives_at_discharge(client):
    """A starting text for "objectives met": each objective of the current plan
    with its progress at the last review."""
    from .models import ObjectiveProgress, TreatmentPlan

    plan = TreatmentPlan.objects.signed().filter(client=client).order_by("-version").first()
    if plan is None:
        return ""
    latest = {}
    progress = ObjectiveProgress.objects.filter(objective__plan=plan).order_by("review__reviewed_on", "pk")
    for entry in progress:
        latest[entry.objective_id] = entry.get_status_display()
    return "\n".join(f"- {o.text} ({latest.get(o.pk, 'not reviewed')})" for o in plan.objectives.all())


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
    # Every discharge comes with a progress report of the episode, rendered after commit.
    reports.request_at_discharge(record, user)
    return record
