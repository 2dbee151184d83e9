"""What a family member's home shows for one of their children this week: the
skill summary, the group evenings (cancelled ones as cancelled), the family
group, and the child's own attendance and hours. Reads groups' schedule and
hours; every query is about the one child passed in, except the one that finds
which of the member's other children's family groups they went to instead."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from groups.hours import week_hours
from groups.models import Attendance, Enrollment, Session, day_span, local_midnight
from groups.recurrence import week_start
from iop.prepared import Param, Prepared

from .models import FamilyGroupAttendance, PersonalNote, SkillSummary, enrolled_in_week


@dataclass
class Evening:
    session: object
    attendance: object = None

    @property
    def is_tonight(self):
        """Today's evening, until it ends (afterwards the badge would say "Tonight"
        of an evening that is over)."""
        return self.session.local_date == timezone.localdate() and self.session.ends_at > timezone.now()


@dataclass(frozen=True)
class FamilyGroupMark:
    """Whether the family member came to an evening's family group; if not, the
    first name of their other child whose family group, meeting at the same time,
    they went to instead ("" if none)."""

    session: object
    attended: bool
    elsewhere: str = ""


@dataclass
class ChildWeek:
    client: object
    monday: datetime.date
    today: datetime.date = None
    summary: object = None
    evenings: list = field(default_factory=list)
    next_evening: object = None
    family_group: object = None
    family_group_over: bool = False
    family_group_marks: list = field(default_factory=list)
    hours: object = None
    #: The child's evenings in the weeks after this one that are cancelled or moved.
    changes_ahead: list = field(default_factory=list)


#: How far past this week a family sees its evenings' cancellations and moves.
CHANGES_AHEAD_WEEKS = 4


def child_week(client, member, now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    monday = week_start(today)
    sunday = monday + datetime.timedelta(days=6)
    # Every enrollment of the child, read once: for the summary's weeks and the hours.
    enrollments = list(Enrollment.objects.filter(client=client).order_by())
    week = ChildWeek(client, monday, today, summary=this_weeks_summary(client, monday, enrollments))
    if client.cohort_id is None:
        return week
    # The week's evenings of every cohort the child was in this week (the page lists the
    # current cohort's; the hours count all of them), and in the same query the
    # cohort's next evening, which may fall in a later week.
    cohorts = {
        e.cohort_id for e in enrollments if e.started_on <= sunday and (e.ended_on is None or e.ended_on >= monday)
    }
    week_begins, week_ends = day_span(monday, sunday)
    ahead_ends = local_midnight(sunday + datetime.timedelta(days=1, weeks=CHANGES_AHEAD_WEEKS))
    others = sorted(cohorts - {client.cohort_id})
    loaded = _WEEK_SESSIONS.run(
        len(others),
        cohort=client.cohort_id,
        **{f"other_cohort_{i}": cohort for i, cohort in enumerate(others)},
        client=client,
        member=member,
        now=now,
        week_begins=week_begins,
        week_ends=week_ends,
        ahead_ends=ahead_ends,
    )
    marks = {a.session_id: a for a in Attendance.objects.filter(client=client, session__in=loaded).order_by()}
    in_week = [s for s in loaded if monday <= s.local_date <= sunday]
    sessions = [s for s in in_week if s.cohort_id == client.cohort_id]
    week.evenings = [Evening(s, marks.get(s.pk)) for s in sessions]
    week.next_evening = next(
        (s for s in loaded if s.cohort_id == client.cohort_id and not s.is_cancelled and s.ends_at > now), None
    )
    week.changes_ahead = [
        Evening(s)
        for s in loaded
        if s.cohort_id == client.cohort_id and (s.is_cancelled or s.is_make_up) and s.local_date > sunday
    ]
    week.family_group = next((s for s in sessions if s.has_family_group and not s.is_cancelled), None)
    week.family_group_over = bool(week.family_group) and week.family_group.family_group_ends_at <= now
    marked = [s for s in sessions if s.family_group_attended is not None]
    missed = [s for s in marked if not s.family_group_attended and s.has_family_group]
    instead = _family_groups_attended_instead(missed, member, client)
    week.family_group_marks = [_family_group_mark(s, instead.get(s.pk, "")) for s in marked]
    week.hours = week_hours(client, monday, today, enrollments, in_week, marks.values())
    return week


def _week_sessions(n_other_cohorts):
    """``child_week``'s evenings: of the child's cohort and of the ``n_other_cohorts``
    other cohorts they were in this week (values ``other_cohort_0``...), with the member's family-group mark at each."""
    cohort, now, week_ends = Param("cohort"), Param("now"), Param("week_ends")
    # The cohort's next evening, which may fall in a later week.
    upcoming = (
        Session.objects.filter(cohort_id=cohort, ends_at__gt=now).scheduled().order_by("starts_at").values("pk")[:1]
    )
    # This member's mark at each evening's family group (one at most: one link per
    # member and child, one mark per link and evening), read with the evenings.
    family_mark = (
        FamilyGroupAttendance.objects.filter(
            session=OuterRef("pk"), link__family_member=Param("member"), link__client=Param("client")
        )
        .order_by()  # not the model's order by evening and cohort: two joins for nothing
        .values("attended")[:1]
    )
    # And the evenings of the coming weeks that will not happen where they were planned
    # (cancelled or moved), and the make-up evenings added in them, so a family can plan
    # around them before their week comes.
    changes_ahead = Q(cohort_id=cohort, starts_at__gte=week_ends, starts_at__lt=Param("ahead_ends")) & (
        Q(status=Session.Status.CANCELLED) | Q(status=Session.Status.SCHEDULED, kind=Session.Kind.MAKE_UP)
    )
    cohorts = Q(cohort_id=cohort)
    for i in range(n_other_cohorts):
        cohorts |= Q(cohort_id=Param(f"other_cohort_{i}"))
    return (
        Session.objects.filter(cohorts)
        .select_related("moved_to", "closure", "replaces")
        .defer("agenda", "moved_to__agenda", "replaces__agenda")
        .filter(
            Q(starts_at__gte=Param("week_begins"), starts_at__lt=week_ends) | Q(pk=Subquery(upcoming)) | changes_ahead
        )
        .annotate(family_group_attended=Subquery(family_mark))
        .order_by("starts_at")
    )


_WEEK_SESSIONS = Prepared(_week_sessions)


#: The member was marked present at the very same family group for another of
#: their children (siblings in one cohort): they came.
SAME_GROUP = object()


def _family_group_mark(session, instead):
    if instead is SAME_GROUP:
        return FamilyGroupMark(session, True)
    return FamilyGroupMark(session, session.family_group_attended, instead)


def _family_groups_attended_instead(missed, member, client):
    """{session pk: first name of another child of ``member``, or SAME_GROUP} for the
    family groups in ``missed`` that ``member`` missed while at another of their
    children's family groups meeting at the same time. Only the member's own live
    links count (a suspended link shows nothing). One query, and only when a group
    was missed."""
    if not missed:
        return {}
    overlapping = Q()
    for session in missed:
        overlapping |= Q(
            session__family_group_starts_at__lt=session.family_group_ends_at,
            session__family_group_ends_at__gt=session.family_group_starts_at,
        )
    attended = (
        FamilyGroupAttendance.objects.visible_to(member)
        .filter(overlapping, attended=True)
        .exclude(link__client=client)
        .select_related("session", "link__client")
        .order_by("session__family_group_starts_at", "pk")
    )
    found = {}
    for mark in attended:
        other = mark.session
        for session in missed:
            if other.pk == session.pk:
                found[session.pk] = SAME_GROUP
            elif (
                other.family_group_starts_at < session.family_group_ends_at
                and other.family_group_ends_at > session.family_group_starts_at
            ):
                found.setdefault(session.pk, mark.link.client.first_name)
    return found


def this_weeks_summary(client, monday, enrollments=None):
    """The published summary of the child's cohort this week, if the child was enrolled
    in it that week (``enrollments``: all of the child's, if the caller has read them),
    with ``has_released_note``: whether the team released a personal note on it for
    this child (the home says so; the note itself is on the summary's page)."""
    if enrollments is None:
        summaries = SkillSummary.objects.for_clients([client])
    elif enrolled_in_week(enrollments, client.cohort_id, monday):
        # One cohort-week, which the child was in.
        return _PUBLISHED_SUMMARY.first(client=client, cohort=client.cohort_id, monday=monday)
    else:
        return None
    return _week_summary(summaries, client, client.cohort_id, monday).first()


def _week_summary(summaries, client, cohort, monday):
    note = PersonalNote.objects.released().filter(summary=OuterRef("pk"), client=client)
    return (
        summaries.filter(cohort_week__cohort_id=cohort, cohort_week__week_of=monday)
        .annotate(has_released_note=Exists(note))
        .order_by()  # one summary per cohort-week
    )


_PUBLISHED_SUMMARY = Prepared(
    lambda: _week_summary(SkillSummary.objects.published(), Param("client"), Param("cohort"), Param("monday"))[:1]
)


def archive(client, today=None):
    """Published summaries of the weeks the child was in group, up to this week,
    newest first (one published ahead of its week is reached from its message)."""
    this_monday = week_start(today or timezone.localdate())
    return (
        SkillSummary.objects.for_clients([client])
        .filter(cohort_week__week_of__lte=this_monday)
        .select_related("cohort_week__cohort")
    )


def released_note(summary, client):
    return PersonalNote.objects.released().filter(summary=summary, client=client).first()
