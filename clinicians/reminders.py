"""The periodic reminders the clinical record produces: a client's check-in
questionnaire link when their PHQ-9/PHQ-A is due (to the client's own address,
never a family member's), and each clinician's morning digest of safety plans
owed after an alert, unsigned notes, plan reviews due and overdue questionnaires,
as counts only. Beat runs
them daily (clinicians/tasks.py); the outbox keys make a second run send
nothing more."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from iop import audit, reminders
from iop.models import Client, OutboxMessage, Program, Role, User
from iop.outbox import queue_message

from .followups import safety_plans_owed
from .models import SelfReportLink
from .models.measures import Mode
from .progress import caseload, default_instrument
from .reviews import reviews_overdue
from .signing import unsigned_overdue

#: Links sent for one due date at most: a link that expired unanswered (or was
#: answered with too many blanks to score) is followed by another on the next
#: daily run, up to this many; the clinician's caseload shows the rest as overdue.
CHECK_IN_LINKS_PER_DUE_DATE = 3


def send_check_in_links(now=None, base_url=None):
    """A one-time questionnaire link to each admitted client whose next PHQ is
    due (progress.py decides when) and who has their own email address. Never
    while one is still open; another after one has expired or been used without
    a score, up to ``CHECK_IN_LINKS_PER_DUE_DATE`` per due date."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    admitted = Client.objects.filter(status=Client.Status.ADMITTED).exclude(email="")
    clients = list(admitted.select_related("lead_clinician", "cohort__lead_clinician"))
    sent = []
    for row in caseload(clients, Program.current().phq_due_days, today):
        due_on = row.progress.due_on
        if due_on is not None and due_on <= today:
            message = _send_check_in_link(row.client, due_on, now, base_url or settings.SITE_URL)
            if message is not None:
                sent.append(message)
    return sent


@transaction.atomic
def _send_check_in_link(client, due_on, now, base_url):
    first_key = reminders.make_key(reminders.CHECK_IN_DUE, client.pk, due_on)
    # One run at a time per client, so two runs never both issue a link.
    Client.objects.select_for_update().get(pk=client.pk)
    if SelfReportLink.objects.filter(client=client, mode=Mode.LINK, used_at__isnull=True, expires_at__gt=now).exists():
        return None
    keys = [first_key] + [f"{first_key}:{n}" for n in range(2, CHECK_IN_LINKS_PER_DUE_DATE + 1)]
    sent = set(OutboxMessage.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    key = next((key for key in keys if key not in sent), None)
    if key is None:
        return None
    # The link is issued on behalf of the client's lead clinician (the record needs a person).
    on_behalf = client.lead_clinician or (client.cohort.lead_clinician if client.cohort else None)
    if on_behalf is None:
        return None
    instrument = default_instrument(client, timezone.localdate(now))
    link, token = SelfReportLink.issue(client=client, instrument=instrument, created_by=on_behalf, mode=Mode.LINK)
    audit.record("issue_self_report_link", link, client=client, action=audit.Action.CREATE, due_on=str(due_on))
    url = base_url.rstrip("/") + reverse("clinicians:self_report", args=[token])
    return queue_message(
        key=key,
        kind=reminders.CHECK_IN_DUE,
        recipient=None,
        to_address=client.email,
        subject=_("Your weekly check-in"),
        body=reminders.check_in_due_text(url),
    )


def digest_counts(clinician, now=None):
    """(notes to sign, plan reviews due, overdue questionnaires, clients owed a safety
    plan) for ``clinician``, from the same rules as their home page and caseload."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    admitted = list(Client.objects.clinical_for(clinician).filter(status=Client.Status.ADMITTED))
    overdue = sum(1 for row in caseload(admitted, Program.current().phq_due_days, today) if row.progress.overdue)
    return (
        unsigned_overdue(clinician, now).total,
        len(reviews_overdue(clinician, today)),
        overdue,
        len(safety_plans_owed(clinician)),
    )


def send_morning_digests(now=None):
    """One message per clinician with anything waiting; nothing for the others."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    clinic = Program.current().clinic_name
    clinicians = User.objects.filter(role=Role.CLINICIAN, is_active=True, do_not_contact=False, reminders_opt_out=False)
    sent = []
    for clinician in clinicians:
        counts = digest_counts(clinician, now)
        if not any(counts):
            continue
        with translation.override(clinician.language):
            body = reminders.staff_digest_text(*counts)
            subject = _("Waiting for you at %(clinic)s") % {"clinic": clinic}
        sent.append(
            reminders.notify(
                clinician,
                kind=reminders.STAFF_DIGEST,
                key=reminders.make_key(reminders.STAFF_DIGEST, clinician.pk, today),
                body=body,
                subject=subject,
            )
        )
    return sent
