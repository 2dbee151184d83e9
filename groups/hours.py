"""Hours of group each client attended per week, against the adolescent minimum
and what the program offers."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from .models import Attendance, Enrollment, Session, minutes_attended
from .recurrence import week_start

# ASAM Criteria, level 2.1 (intensive outpatient): at least 6 hours of structured
# programming a week for adolescents (9 for adults).
ADOLESCENT_MINIMUM_WEEKLY_HOURS = 6
ADULT_MINIMUM_WEEKLY_HOURS = 9
# This program: four evenings of three hours (product.md).
PROGRAM_WEEKLY_HOURS_OFFERED = 12


@dataclass
class Week:
    week_of: datetime.date
    enrolled: bool = False
    ended: bool = False
    minutes_attended: int = 0
    minutes_offered: int = 0

    @property
    def hours(self):
        return round(self.minutes_attended / 60, 1)

    @property
    def hours_offered(self):
        return round(self.minutes_offered / 60, 1)

    @property
    def short(self):
        """A finished week in treatment that offered fewer hours than the minimum (the
        week of admission or discharge, a closure): nobody could meet it, so it is not flagged."""
        return self.enrolled and self.ended and self.minutes_offered < ADOLESCENT_MINIMUM_WEEKLY_HOURS * 60

    @property
    def under_minimum(self):
        """Flag a finished week of treatment below the ASAM 2.1 adolescent minimum."""
        minimum = ADOLESCENT_MINIMUM_WEEKLY_HOURS * 60
        return self.enrolled and self.ended and not self.short and self.minutes_attended < minimum


@dataclass
class ClientWeeks:
    client: object
    weeks: list = field(default_factory=list)

    @property
    def weeks_under_minimum(self):
        return sum(week.under_minimum for week in self.weeks)


def weekly_hours(clients, mondays, today):
    """One ``ClientWeeks`` per client for the weeks starting on ``mondays``, in four queries."""
    clients = list(clients)
    if not clients or not mondays:
        return [ClientWeeks(client) for client in clients]
    first, last = mondays[0], mondays[-1] + datetime.timedelta(days=6)
    enrollments = defaultdict(list)
    # Summed, not listed: read in no particular order (no joins for the models' orderings).
    for e in (
        Enrollment.objects.filter(client__in=clients, started_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .order_by()
    ):
        enrollments[e.client_id].append(e)
    cohorts = {e.cohort_id for items in enrollments.values() for e in items}
    evenings = Session.objects.scheduled().filter(cohort__in=cohorts).between_days(first, last)
    evenings = list(evenings.order_by().values_list("pk", "cohort_id", "starts_at", "ends_at"))
    rows = (
        Attendance.objects.filter(client__in=clients, session__in=[pk for pk, *_ in evenings])
        .order_by()
        .values_list("client_id", "session_id", "status", "late_minutes", "left_early_minutes")
    )
    return _client_weeks(clients, mondays, today, enrollments, evenings, rows)


def week_hours(client, monday, today, enrollments, sessions, marks):
    """``weekly_hours`` of one client for the week of ``monday``, from what the caller
    has already read: the client's enrollments, the evenings of that week (any status;
    those of every cohort an enrollment covers in the week must be among them) and
    the client's attendance marks at them. No query."""
    last = monday + datetime.timedelta(days=6)
    cohorts = {
        e.cohort_id for e in enrollments if e.started_on <= last and (e.ended_on is None or e.ended_on >= monday)
    }
    evenings = [
        (s.pk, s.cohort_id, s.starts_at, s.ends_at)
        for s in sessions
        if s.status == Session.Status.SCHEDULED and s.cohort_id in cohorts and monday <= s.local_date <= last
    ]
    counted = {pk for pk, *_ in evenings}
    rows = [
        (mark.client_id, mark.session_id, mark.status, mark.late_minutes, mark.left_early_minutes)
        for mark in marks
        if mark.session_id in counted
    ]
    (weeks,) = _client_weeks([client], [monday], today, {client.pk: list(enrollments)}, evenings, rows)
    return weeks.weeks[0]


def _client_weeks(clients, mondays, today, enrollments, evenings, attendance):
    """The weeks of ``weekly_hours`` from its rows: ``enrollments`` {client pk: [Enrollment]},
    ``evenings`` (pk, cohort pk, start, end) of scheduled evenings, ``attendance`` (client pk,
    session pk, status, late minutes, left-early minutes) at those evenings."""
    # Each evening's cohort, clinic-local day and length, worked out once rather than
    # once per client and week (the time-zone conversion is what the loops would repeat).
    cohort_of, day_of, minutes_of = {}, {}, {}
    by_week = defaultdict(list)
    for pk, cohort_id, starts_at, ends_at in evenings:
        cohort_of[pk] = cohort_id
        day_of[pk] = timezone.localtime(starts_at).date()
        minutes_of[pk] = int((ends_at - starts_at).total_seconds() // 60)
        by_week[week_start(day_of[pk])].append(pk)
    attended = defaultdict(int)
    for client_id, session_id, status, late, left_early in attendance:
        minutes = minutes_attended(status, minutes_of[session_id], late, left_early)
        attended[client_id, week_start(day_of[session_id])] += minutes
    result = []
    for client in clients:
        weeks = []
        for monday in mondays:
            week = Week(monday, ended=monday + datetime.timedelta(days=6) < today)
            mine = [e for e in enrollments.get(client.pk, ()) if e.started_on <= monday + datetime.timedelta(6)]
            mine = [e for e in mine if e.ended_on is None or e.ended_on >= monday]
            week.enrolled = bool(mine)
            week.minutes_offered = sum(
                minutes_of[pk]
                for pk in by_week[monday]
                if any(e.cohort_id == cohort_of[pk] and e.covers(day_of[pk]) for e in mine)
            )
            week.minutes_attended = attended[client.pk, monday]
            weeks.append(week)
        result.append(ClientWeeks(client, weeks))
    return result
