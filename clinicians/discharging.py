"""Ending an episode: the client's status at discharge and the discharge itself."""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from groups import enrollment
from iop import audit
from iop.models import Client

from . import reports
from .chart import section_url
from .models import Administration, Discharge, SafetyAlert
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


@dataclass
class Waiting:
    """Something to settle before a discharge: what, and where to settle it."""

    message: str
    link: str
    link_text: str


def what_waits(client):
    """What stands in the way of discharging ``client`` (product.md: an alert stays
    open until a risk assessment is documented; a client leaves with the safety plan
    an assessment recorded as made). The form refuses while any waits; its page says
    so from the start. At most two queries. Once the client has left (the office
    ended the enrollment) an open alert still waits; a safety plan to leave with no
    longer can."""
    alerts = SafetyAlert.objects.filter(client=client).order_by("created_at")
    kinds = (
        (
            alerts.unhandled(),
            "D j M Y, H:i",
            _(
                "%(client)s has a safety alert still open (raised %(raised)s). Document the risk assessment "
                "and close the alert before the discharge."
            ),
            lambda alert: reverse("clinicians:alert", args=[alert.pk]),
            _("Open the alert"),
        ),
        (
            alerts.safety_plan_owed(),
            "D j M Y",
            _(
                "%(client)s is owed a safety plan since the safety alert of %(raised)s: the risk assessment "
                "records one made, and none has been signed since. Sign it with the client before the "
                "discharge; they leave with it."
            ),
            lambda alert: section_url(client.pk, "safety-plan"),
            _("Safety plan"),
        ),
    )
    if client.status != Client.Status.ADMITTED:
        kinds = kinds[:1]
    waiting = []
    for found, date_shown, message, link, link_text in kinds:
        first = found.first()
        if first is not None:
            raised = date_format(timezone.localtime(first.created_at), date_shown)
            text = message % {"client": client.display_name, "raised": raised}
            waiting.append(Waiting(text, link(first), link_text))
    return waiting


class AlreadyDischarged(Exception):
    """A colleague recorded this episode's discharge a moment ago."""


@transaction.atomic
def discharge(client, record, user):
    """Save the discharge ``record`` and end the episode: one per episode (the
    client's row is locked while it is checked), and the chart stays with the
    client's lead clinician, who is the cohort's lead (or the discharging
    clinician) when none was named."""
    locked = Client.objects.select_for_update().get(pk=client.pk)
    if Discharge.objects.of_episode(locked) is not None:
        raise AlreadyDischarged
    if locked.lead_clinician_id is None:
        client.lead_clinician = client.cohort.lead_clinician if client.cohort_id else user
        client.save(update_fields=["lead_clinician"])
    record.client = client
    record.author = user
    record.last_phq_total = last_phq_total(client)
    record.full_clean()
    record.save()
    if enrollment.current_enrollment(client) is not None:
        # The cohort's enrollment ends that day as when the office discharges: later
        # evenings stop expecting the client (and their family stops hearing of them),
        # and the cohort's future staff do not inherit the chart.
        enrollment.discharge(client, record.discharged_on, user)
    else:
        Client.objects.filter(pk=client.pk).update(status=Client.Status.DISCHARGED, discharged_on=record.discharged_on)
    client.refresh_from_db()
    audit.record("discharge", record, client=client)
    # Every discharge comes with a progress report of the episode, rendered after commit.
    reports.request_at_discharge(record, user)
    return record
