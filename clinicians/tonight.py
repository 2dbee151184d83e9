"""What the Tonight page and an evening's chart show, gathered in a fixed number
of queries however many clients are in the room."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from groups.attendance import AttendanceSheet, still_to_come
from groups.enrollment import roster, rosters
from groups.models import Attendance, Cohort, Session, day_span, local_midnight
from iop.models import Client
from iop.prepared import Param, Prepared

from .group_charting import ATTENDED, group_note_for
from .group_forms import GroupAddendumForm, GroupNoteForm, IndividualEntryForm
from .models import GroupAddendum, GroupNote, IndividualEntry, TreatmentPlan

# --- The Tonight page -------------------------------------------------------------


@dataclass
class Evening:
    session: Session
    roster_size: int
    attended: int
    note: GroupNote | None
    entries: int
    entries_signed: int
    #: Clients who came and have no individual entry yet (by anyone). Counted, not
    #: taken as attended minus entries: an entry may be for someone since marked absent.
    without_entry: int

    @property
    def is_done(self):
        return self.session.is_charted and self.entries_signed == self.entries and not self.without_entry

    @property
    def is_today(self):
        return self.session.local_date == timezone.localdate()


def my_sessions(user):
    """Evenings of the cohorts ``user`` leads or co-facilitates, and evenings they facilitate."""
    facilitated = Session.facilitators.through.objects.filter(user=user).values("session_id")
    return Session.objects.filter(
        Q(cohort__in=Cohort.objects.worked_by(user).values("pk")) | Q(pk__in=facilitated)
    ).select_related("cohort")


#: How far back the Tonight page looks for evenings not yet charted (a clinician
#: who charts after midnight, or the next day, finds last night's there).
STILL_TO_CHART_DAYS = 14


def _per_evening(rows):
    """How many of ``rows`` (attendance marks, entries) each evening has, as a
    subquery: counted per evening, not over a join of marks by entries."""
    counted = rows.filter(session=OuterRef("pk")).order_by().values("session").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def _with_counts(user):
    """``user``'s evenings, each with its group note and its counts, in the evenings' own query."""
    return (
        my_sessions(user)
        .select_related("group_note")
        .annotate(
            attended=_per_evening(Attendance.objects.filter(status__in=ATTENDED)),
            entries_total=_per_evening(IndividualEntry.objects.all()),
            entries_signed=_per_evening(IndividualEntry.objects.filter(signed_at__isnull=False)),
            without_entry=_per_evening(
                Attendance.objects.filter(status__in=ATTENDED).exclude(
                    Exists(IndividualEntry.objects.filter(session=OuterRef("session"), client=OuterRef("client")))
                )
            ),
        )
    )


#: The user's evenings with their counts over a span of days: the Tonight page's query.
_EVENINGS_BETWEEN = Prepared(
    lambda reader: (
        _with_counts(reader).filter(starts_at__gte=Param("start"), starts_at__lt=Param("end")).order_by("starts_at")
    )
)


def tonight(user, today=None):
    """The Tonight page's two lists: ``user``'s earlier evenings still to chart, and
    their evenings today (the next one when there is none today). The last
    STILL_TO_CHART_DAYS days to a week ahead are one query (another only when the next
    evening is further off); rosters one more for both lists.

    An earlier evening is listed while it is not done (the group note or an entry
    unsigned, or someone who came with no entry), oldest first: after midnight last
    night's evening is no longer tonight's, and must not drop out of sight."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=STILL_TO_CHART_DAYS)
    # A week ahead comes along: on a day without group, the next evening is in it.
    start, end = day_span(since, today + datetime.timedelta(days=7))
    around = _EVENINGS_BETWEEN.run(user, start=start, end=end)
    todays = [s for s in around if s.local_date == today]
    earlier = [s for s in around if s.local_date < today and not s.is_cancelled]
    if not todays:
        todays = [s for s in around if s.local_date > today and not s.is_cancelled][:1]
    if not todays:
        # The next evening found by the start-time index alone, then read with its counts.
        ahead = my_sessions(user).scheduled().filter(starts_at__gte=local_midnight(today + datetime.timedelta(1)))
        todays = list(_with_counts(user).filter(pk__in=Subquery(ahead.order_by("starts_at").values("pk")[:1])))
    shown = _evenings(earlier + todays)
    return [e for e in shown[: len(earlier)] if not e.is_done], shown[len(earlier) :]


def _evenings(sessions):
    if not sessions:
        return []
    expected = rosters(sessions)
    return [
        Evening(
            session=s,
            roster_size=len(expected.get(s.pk, [])),
            attended=s.attended,
            note=getattr(s, "group_note", None),
            entries=s.entries_total,
            entries_signed=s.entries_signed,
            without_entry=s.without_entry,
        )
        for s in sessions
    ]


# --- An evening's chart -------------------------------------------------------------


@dataclass
class EntryRow:
    """One attendee: their attendance, entry (form while it is the user's draft) and plan objectives."""

    client: Client
    mark: Attendance | None
    entry: IndividualEntry | None
    form: IndividualEntryForm | None
    objectives: list = field(default_factory=list)


@dataclass
class EveningSheet:
    session: Session
    clients: list
    attendance: AttendanceSheet
    note: GroupNote
    note_form: GroupNoteForm | None
    rows: list
    addendum_form: GroupAddendumForm
    #: (client, attendance mark or None) for everyone on the roster.
    marks: list = field(default_factory=list)

    @property
    def forms(self):
        return [f for f in [self.note_form, *(row.form for row in self.rows)] if f is not None]

    @property
    def attendance_locked(self):
        return self.session.is_cancelled or self.session.is_charted

    @property
    def still_to_come(self):
        return still_to_come(self.session)

    def shown_records(self):
        records = [self.note] if self.note.pk else []
        return records + [row.entry for row in self.rows if row.entry]


def current_objectives(clients):
    """{client pk: objectives of the last signed treatment plan}."""
    plans = (
        TreatmentPlan.objects.filter(client__in=clients)
        .signed()
        .order_by("client_id", "-version")
        .prefetch_related("objectives")
    )
    current = {}
    for plan in plans:
        current.setdefault(plan.client_id, list(plan.objectives.all()))
    return current


def may_edit(record, user):
    return user.is_clinician and (record is None or record.pk is None or not record.is_locked_for(user))


def evening_sheet(session, user, data=None, attendance_data=None):
    """The evening's roster, attendance sheet, group note and an entry per attendee
    for ``user``; forms are bound to ``data`` when it is given."""
    clients = list(roster(session).filter(pk__in=Client.objects.clinical_for(user).values("pk")))
    sheet = AttendanceSheet(attendance_data, session=session, clients=clients)
    marks = {row.client_id: row for row in session.attendance.all()}
    addenda = Prefetch("addenda", queryset=GroupAddendum.objects.select_related("author"))
    entries = {
        e.client_id: e
        for e in IndividualEntry.objects.visible_to(user)
        .filter(session=session)
        .select_related("client", "author", "signed_by")
        .prefetch_related(addenda)
    }
    objectives = current_objectives(clients)
    rows = []
    for client in clients:
        mark, entry = marks.get(client.pk), entries.get(client.pk)
        if entry is None and (mark is None or mark.status not in ATTENDED):
            continue
        form = None
        if may_edit(entry, user):
            instance = entry or IndividualEntry(session=session, client=client, author=user)
            form = IndividualEntryForm(data, instance=instance, client=client)
        rows.append(EntryRow(client, mark, entry, form, objectives.get(client.pk, [])))
    note = group_note_for(session, user)
    note_form = GroupNoteForm(data, instance=note) if may_edit(note, user) else None
    roster_marks = [(client, marks.get(client.pk)) for client in clients]
    return EveningSheet(session, clients, sheet, note, note_form, rows, GroupAddendumForm(), roster_marks)
