"""The rules of charting an evening: who the entries are for, the skill the note
starts from, the name guard on the shared part, and signing everything at once.

The shared group note lands in every attendee's chart, so it must never name a
client (product.md): a client's legal or preferred first or last name, as a
whole word in any case, is refused there; names belong in the individual entries."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups.attendance import IN_THE_ROOM, STILL_TO_COME, still_to_come
from groups.curriculum import skills_by_week
from groups.enrollment import roster
from groups.models import Attendance, Cohort
from groups.recurrence import week_start
from iop import audit
from iop.models import Client

from .models import GroupNote, IndividualEntry

#: Attendance statuses of a client who was in the room (and so gets an entry).
ATTENDED = IN_THE_ROOM  # present, late or left early


# --- The name guard --------------------------------------------------------------


def cohort_client_names(cohort):
    """Every legal and preferred first and last name of the cohort's clients, past and present."""
    return _names_of(Client.objects.filter(Q(cohort=cohort) | Q(enrollments__cohort=cohort)))


def other_client_names(client):
    """The names of the clients of every cohort ``client`` has been in, but for names
    ``client`` has too: what a text for their own family must not hold."""
    cohorts = Cohort.objects.filter(Q(pk=client.cohort_id) | Q(enrollments__client=client))
    names = _names_of(Client.objects.filter(Q(cohort__in=cohorts) | Q(enrollments__cohort__in=cohorts)))
    own = {n.strip().lower() for n in (client.legal_first_name, client.legal_last_name, client.preferred_name) if n}
    return {name for name in names if name.lower() not in own}


def _names_of(clients):
    rows = clients.values_list("legal_first_name", "legal_last_name", "preferred_name").distinct()
    return {name.strip() for row in rows for name in row if name and name.strip()}


def _name_pattern(name):
    # Whole words only ("Eli" is not found in "relief"); spaces inside a name match any spacing.
    words = r"\s+".join(re.escape(word) for word in name.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def names_in(text, names):
    """The names (from ``names``) that appear in ``text``, longest first."""
    if not text:
        return []
    return [name for name in sorted(names, key=lambda n: (-len(n), n)) if _name_pattern(name).search(text)]


def refuse_names(form, fields, names, message):
    """Add ``message`` (with the names found) to each of ``fields`` of ``form`` whose
    text names someone in ``names``: what a family reads must not name another client."""
    for name in fields:
        found = names_in(form.cleaned_data.get(name) or "", names)
        if found:
            form.add_error(name, message % {"names": ", ".join(found)})


def names_in_shared_text(group_note, names=None):
    """{field: message} for each shared field of ``group_note`` that names a client of its cohort."""
    if names is None:
        names = cohort_client_names(group_note.session.cohort)
    errors = {}
    for field in GroupNote.SHARED_FIELDS:
        found = names_in(getattr(group_note, field), names)
        if found:
            errors[field] = _(
                "The group note is copied into every attendee's chart, so it must not name a client "
                "(found: %(names)s). Names belong in the individual entries."
            ) % {"names": ", ".join(found)}
    return errors


# --- What an evening's chart starts from --------------------------------------------


def skill_of_the_week(session):
    """The title of the cohort's skill in the week of ``session``, or ""."""
    monday = week_start(session.local_date)
    skill = skills_by_week([session.cohort_id], [monday]).get((session.cohort_id, monday))
    return skill.title if skill else ""


def group_note_for(session, author):
    """The evening's group note, or a new unsaved one with the skill of the week filled in."""
    note = GroupNote.objects.filter(session=session).select_related("author", "signed_by").first()
    return note or GroupNote(session=session, author=author, skill=skill_of_the_week(session))


def attendees(session):
    """Clients who were in the room for ``session`` (present, late or left early)."""
    return Client.objects.filter(attendance__session=session, attendance__status__in=ATTENDED)


@transaction.atomic
def mark_all_present(session, clients, by):
    """Mark every client not yet recorded as present; returns how many were marked.
    Refused for an evening on a later day."""
    if still_to_come(session):
        raise ValidationError(STILL_TO_COME)
    recorded = set(Attendance.objects.filter(session=session).values_list("client_id", flat=True))
    rows = [
        Attendance(session=session, client=client, status=Attendance.Status.PRESENT, recorded_by=by)
        for client in clients
        if client.pk not in recorded
    ]
    Attendance.objects.bulk_create(rows)
    audit.record("record_attendance", session, actor=by, rows=len(rows), all_present=True)
    return len(rows)


# --- Signing ------------------------------------------------------------------------


class SignAllResult:
    def __init__(self):
        self.signed = []
        #: Drafts left unsigned, and for each what it still needs.
        self.incomplete = []
        self.missing = {}
        #: Clients in the room that evening with no individual entry by anyone yet.
        self.attended_without_entry = []

    def left_unsigned(self, record, missing):
        self.incomplete.append(record)
        self.missing[record] = missing


def unrecorded(session):
    """Clients on the evening's roster with no attendance mark yet."""
    return roster(session).exclude(attendance__session=session)


@transaction.atomic
def sign_all(session, user, when=None):
    """Sign ``user``'s own drafts of the evening: the group note and every complete
    individual entry. Incomplete ones stay drafts and are reported; so does the group
    note while a client on the roster has no attendance mark (signing it locks
    attendance). Attendees with no entry yet are reported. Refused for an evening
    still to come, and (as a whole) when the shared part names a client."""
    when = when or timezone.now()
    if session.local_date > timezone.localdate(when):
        raise ValidationError(_("This evening has not happened yet; it can be signed on the day."))
    if session.is_cancelled:
        raise ValidationError(
            _("This evening was cancelled (%(reason)s), so its notes cannot be signed.")
            % {"reason": session.cancel_reason}
        )
    result = SignAllResult()
    note = GroupNote.objects.select_for_update().filter(session=session, author=user).drafts().first()
    if note is not None:
        errors = names_in_shared_text(note)
        if errors:
            raise ValidationError(errors)
        missing = note.missing_before_signing()
        # Signing the group note charts the evening, and attendance can no longer
        # change: a client left unrecorded would stay so for good.
        unmarked = [client.display_name for client in unrecorded(session)]
        if unmarked:
            missing.append(
                ngettext("attendance of %(names)s", "attendance of %(n)s clients: %(names)s", len(unmarked))
                % {"n": len(unmarked), "names": ", ".join(unmarked)}
            )
        if missing:
            result.left_unsigned(note, missing)
        else:
            note.sign(user, when=when)
            audit.record("sign_group_note", note, actor=user, action=audit.Action.UPDATE)
            result.signed.append(note)
    entries = IndividualEntry.objects.select_for_update(of=("self",)).filter(session=session, author=user).drafts()
    for entry in entries.select_related("client"):
        if not entry.is_complete:
            result.left_unsigned(entry, entry.missing_before_signing())
            continue
        entry.sign(user, when=when)
        audit.record("sign_group_note", entry, client=entry.client, actor=user, action=audit.Action.UPDATE)
        result.signed.append(entry)
    if not session.is_charted and GroupNote.objects.filter(session=session).signed().exists():
        # Once the shared note is signed, schedule changes leave the evening alone.
        session.mark_charted(when)
    result.attended_without_entry = list(
        attendees(session).exclude(group_entries__session=session).order_by("legal_last_name", "legal_first_name")
    )
    return result
