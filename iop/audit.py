"""Writing the audit trail. Every view of client data and every sensitive
action calls ``record``; if the entry cannot be written the request fails
(no unaudited read of a chart)."""

from contextlib import contextmanager

from auditlog.models import AbstractLogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, audit_clock

Action = AbstractLogEntry.Action


class AuditUnavailable(Exception):
    """The entry could not be written, so the request must not go on (no unaudited read)."""


class Event(models.TextChoices):
    """Every event the trail knows, with the label the review pages show.
    ``record`` refuses any other name, so a typo cannot hide an event."""

    # Sign-in (iop/signals.py)
    LOGIN = "login", _("Signed in")
    LOGOUT = "logout", _("Signed out")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOCKOUT = "lockout", _("Account locked out")
    # Accounts, roles and access to clients
    CREATE = "create", _("Record created")
    UPDATE = "update", _("Record changed")
    DELETE = "delete", _("Record deleted")
    VIEW = "view", _("Record viewed")
    OTHER = "other", _("Other")
    ROLE_CHANGE = "role_change", _("Role or permissions changed")
    GRANT_ACCESS = "grant_access", _("Access to a client granted")
    REVOKE_GRANT = "revoke_grant", _("Access grant revoked")
    BREAK_GLASS = "break_glass", _("Emergency access (break the glass)")
    REVIEW_BREAK_GLASS = "review_break_glass", _("Emergency access reviewed")
    EMERGENCY_ACCESS_OFFERED = "emergency_access_offered", _("Shown the emergency access page of a client")
    INVITE_STAFF = "invite_staff", _("Invited a staff member")
    CHANGE_PROGRAM = "change_program", _("Changed the program settings")
    # The audit trail itself
    VIEW_AUDIT = "view_audit", _("Viewed the audit trail")
    EXPORT_AUDIT_CSV = "export_audit_csv", _("Exported the audit trail (CSV)")
    VIEW_ACCESS_HISTORY = "view_access_history", _("Viewed a client's access history")
    # Clients and their chart
    VIEW_PROFILE = "view_profile", _("Viewed a client's profile")
    VIEW_CHART = "view_chart", _("Viewed a chart")
    VIEW_CASELOAD = "view_caseload", _("Viewed the measures caseload")
    VIEW_NOTE = "view_note", _("Viewed a note")
    VIEW_NOTES = "view_notes", _("Viewed a client's notes")
    WRITE_NOTE = "write_note", _("Wrote a note")
    EDIT_NOTE = "edit_note", _("Edited a draft note")
    SIGN_NOTE = "sign_note", _("Signed a note")
    ADDENDUM = "addendum", _("Added an addendum")
    VIEW_GROUP_NOTE = "view_group_note", _("Viewed a group note")
    WRITE_GROUP_NOTE = "write_group_note", _("Wrote a group note")
    SIGN_GROUP_NOTE = "sign_group_note", _("Signed a group note")
    GROUP_ADDENDUM = "group_addendum", _("Added a group-note addendum")
    VIEW_TONIGHT = "view_tonight", _("Viewed tonight's group")
    ADD_MEDICATION = "add_medication", _("Added a medication")
    STOP_MEDICATION = "stop_medication", _("Stopped a medication")
    VIEW_PLAN = "view_plan", _("Viewed a treatment plan")
    START_PLAN = "start_plan", _("Started a plan revision")
    TAKE_OVER_PLAN = "take_over_plan", _("Took over a colleague's plan draft")
    DISCARD_PLAN = "discard_plan", _("Discarded a plan draft")
    EDIT_PLAN = "edit_plan", _("Edited a treatment plan")
    SIGN_PLAN = "sign_plan", _("Signed a treatment plan")
    ACKNOWLEDGE_PLAN = "acknowledge_plan", _("Plan acknowledged")
    REVIEW_PLAN = "review_plan", _("Reviewed a treatment plan")
    VIEW_SAFETY_PLAN = "view_safety_plan", _("Viewed a safety plan")
    PRINT_SAFETY_PLAN = "print_safety_plan", _("Printed a safety plan")
    START_SAFETY_PLAN = "start_safety_plan", _("Started a safety-plan revision")
    TAKE_OVER_SAFETY_PLAN = "take_over_safety_plan", _("Took over a colleague's safety-plan draft")
    DISCARD_SAFETY_PLAN = "discard_safety_plan", _("Discarded a safety-plan draft")
    EDIT_SAFETY_PLAN = "edit_safety_plan", _("Edited a safety plan")
    SIGN_SAFETY_PLAN = "sign_safety_plan", _("Signed a safety plan")
    VIEW_DISCHARGE = "view_discharge", _("Viewed a discharge summary")
    OPEN_DISCHARGE = "open_discharge", _("Opened the discharge form (last score and objectives)")
    DISCHARGE = "discharge", _("Discharged a client")
    # Measures and safety alerts
    VIEW_MEASURES = "view_measures", _("Viewed scores")
    VIEW_MEASURE = "view_measure", _("Viewed a score and its answers")
    RECORD_MEASURE = "record_measure", _("Recorded a score")
    EXPORT_FHIR = "export_fhir", _("Exported scores (FHIR)")
    ISSUE_SELF_REPORT_LINK = "issue_self_report_link", _("Issued a one-time questionnaire link")
    START_KIOSK = "start_kiosk", _("Started a questionnaire on the clinic tablet")
    SELF_REPORT_COMPLETED = "self_report_completed", _("One-time questionnaire link used")
    SELF_REPORT_REFUSED = "self_report_refused", _("Unusable questionnaire link refused")
    VIEW_ALERT = "view_alert", _("Viewed a safety alert")
    ACKNOWLEDGE_ALERT = "acknowledge_alert", _("Acknowledged a safety alert")
    CLOSE_ALERT = "close_alert", _("Closed a safety alert")
    HAND_OVER_ALERT = "hand_over_alert", _("Passed a safety alert on from a clinician who left")
    # Reports
    REQUEST_REPORT = "request_report", _("Requested a progress report")
    VIEW_REPORT = "view_report", _("Viewed a progress report")
    DOWNLOAD_REPORT = "download_report", _("Downloaded a progress report")
    FAMILY_DOWNLOAD_REPORT = "family_download_report", _("Family downloaded a report")
    RELEASE_REPORT = "release_report", _("Released a report to the family")
    RETRY_REPORT = "retry_report", _("Retried a progress report")
    # Schedule and groups
    VIEW_SESSION = "view_session", _("Viewed an evening")
    EDIT_SESSION = "edit_session", _("Changed an evening")
    CALENDAR_FEED = "calendar_feed", _("Calendar feed read")
    COHORT_SETUP = "cohort_setup", _("Set up a cohort")
    CHOOSE_SKILL = "choose_skill", _("Chose a week's skill")
    RECORD_ATTENDANCE = "record_attendance", _("Recorded attendance")
    CLOSURE = "closure", _("Closed the program for a day")
    RESCHEDULE = "reschedule", _("Rescheduled an evening")
    MAKE_UP = "make_up", _("Added a make-up evening")
    ADMIT = "admit", _("Admitted a client")
    TRANSFER = "transfer", _("Transferred a client")
    # Families
    LINK_FAMILY = "link_family", _("Linked a family member")
    UNLINK_FAMILY = "unlink_family", _("Removed a family member's link made by mistake")
    INVITE_FAMILY = "invite_family", _("Invited a family member")
    ACCEPT_INVITATION = "accept_invitation", _("Invitation link used")
    INVITATION_LINK_REFUSED = "invitation_link_refused", _("Unusable invitation link refused")
    VIEW_FAMILY_CONTACTS = "view_family_contacts", _("Viewed a client's family contacts")
    DO_NOT_CONTACT = "do_not_contact", _("Set do not contact")
    RESUME_CONTACT = "resume_contact", _("Lifted do not contact")
    CONTACT_PREFERENCES = "contact_preferences", _("Changed contact preferences")
    PUBLISH_SUMMARY = "publish_summary", _("Published a skill summary")
    EDIT_SUMMARY = "edit_summary", _("Edited a skill summary")
    WRITE_FAMILY_NOTE = "write_family_note", _("Wrote a personal note for a family")
    RELEASE_TO_FAMILY = "release_to_family", _("Released to the family")
    RECORD_FAMILY_GROUP = "record_family_group", _("Recorded family-group attendance")
    FAMILY_VIEW = "family_view", _("Family viewed the portal")
    VIEW_FAMILY_APPOINTMENTS = "view_family_appointments", _("Viewed family appointments")
    BOOK_FAMILY_APPOINTMENT = "book_family_appointment", _("Booked a family appointment")
    CANCEL_FAMILY_APPOINTMENT = "cancel_family_appointment", _("Cancelled a family appointment")
    FAMILY_VIEW_APPOINTMENTS = "family_view_appointments", _("Family viewed appointments")
    # Reminders
    RETRY_DELIVERY = "retry_delivery", _("Retried a failed message")


def label(event):
    """The human label of an event name (the name itself for one the catalogue no longer lists)."""
    return _catalogue()[0].get(event, event)


def event_choices():
    """The catalogue as (name, label) pairs sorted by label, in the active language."""
    return _catalogue()[1]


_CATALOGUES = {}


def _catalogue():
    """Labels by name and the sorted choices, translated once per language (the
    catalogue is fixed in code, so nothing here depends on the request)."""
    language = get_language()
    catalogue = _CATALOGUES.get(language)
    if catalogue is None:
        labels = {name: str(text) for name, text in Event.choices}
        choices = tuple(sorted(labels.items(), key=lambda choice: choice[1]))
        catalogue = _CATALOGUES[language] = (labels, choices)
    return catalogue


def record(event, obj, *, client=None, action=Action.ACCESS, outcome=AuditEntry.Outcome.ALLOWED, actor=None, **data):
    """Append one entry: ``event`` ("view", "sign", "export"...) on ``obj``,
    concerning ``client`` (defaults to ``obj`` itself when it is a Client)."""
    _check_event(event)
    return _append_all([AuditEntry(**_fields(event, obj, client, action, outcome, actor, data))])[0]


def record_each(event, records, *, action=Action.ACCESS, actor=None, **data):
    """One entry per record (each concerning its own client), appended in one
    turn of the chain: a page that shows ten attendees' entries writes ten
    entries at the cost of about one."""
    _check_event(event)
    outcome = AuditEntry.Outcome.ALLOWED
    return _append_all([AuditEntry(**_fields(event, obj, None, action, outcome, actor, data)) for obj in records])


def record_together(*events, actor=None):
    """Several events of one page, each ``(event, obj, data)``, appended in one turn
    of the chain (a page that records what it showed in more than one entry)."""
    outcome = AuditEntry.Outcome.ALLOWED
    entries = []
    for event, obj, data in events:
        _check_event(event)
        entries.append(AuditEntry(**_fields(event, obj, None, Action.ACCESS, outcome, actor, data)))
    return _append_all(entries)


def _append_all(entries):
    try:
        return AuditEntry.append_all(entries)
    except DatabaseError as error:
        raise AuditUnavailable(str(error)) from error


def _fields(event, obj, client, action, outcome, actor, data):
    return {
        "content_type": ContentType.objects.get_for_model(obj),
        "object_pk": str(obj.pk),
        "object_id": obj.pk if isinstance(obj.pk, int) else None,
        "object_repr": str(obj)[:200],
        "action": action,
        "event": event,
        "client_id": _client_id(obj, client),
        "actor": actor,
        "outcome": outcome,
        "additional_data": data or None,
    }


def record_anonymous(event, model, identifier, *, outcome=AuditEntry.Outcome.REFUSED, **data):
    """An event with no object to point at, such as a failed login for an unknown address."""
    _check_event(event)
    return _append(
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(identifier)[:255],
        object_repr=str(identifier)[:200],
        action=Action.ACCESS,
        event=event,
        outcome=outcome,
        additional_data=data or None,
    )


@contextmanager
def written_at(when):
    """Date the entries written inside at ``when`` (the demo clinic's past weeks)."""
    token = audit_clock.set(when)
    try:
        yield
    finally:
        audit_clock.reset(token)


#: Every name in the catalogue (``Event.values`` builds its list anew on each use).
EVENT_NAMES = frozenset(Event.values)


def _check_event(event):
    if event not in EVENT_NAMES:
        raise ValueError(f"{event!r} is not in the audit event catalogue (iop.audit.Event)")


def _append(**fields):
    try:
        return AuditEntry.objects.create(**fields)
    except DatabaseError as error:
        raise AuditUnavailable(str(error)) from error


def _client_id(obj, client):
    if client is not None:
        return client.pk
    if obj._meta.label == "iop.Client":
        return obj.pk
    return getattr(obj, "client_id", None)


def verify_chain(batch_size=2000):
    """Walk the chain in insertion order. Returns (entries checked, first bad entry or None, why)."""
    from .models import GENESIS_HASH

    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not batch:
            return checked, None, ""
        for entry in batch:
            if entry.prev_hash != expected_prev:
                return (
                    checked,
                    entry,
                    "its link to the previous entry does not match (an entry was removed or moved)",
                )
            if entry.compute_hash() != entry.entry_hash:
                return checked, entry, "its content does not match its hash (it was changed)"
            expected_prev = entry.entry_hash
            checked += 1
            last_id = entry.pk
