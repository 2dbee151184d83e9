"""Hours of group each client attended per week, against the adolescent minimum
and what the program offers."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from .models import Attendance, Enrollment, Session
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
    def under_minimum(self):
        """Flag a finished week of treatment below the ASAM 2.1 adolescent minimum."""
        return self.enrolled and self.ended and self.minutes_attended < ADOLESCENT_MINIMUM_WEEKLY_HOURS * 60


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
    for e in Enrollment.objects.filter(client__in=clients, started_on__lte=last).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    ):
        enrollments[e.client_id].append(e)
    cohorts = {e.cohort_id for items in enrollments.values() for e in items}
    sessions = list(Session.objects.scheduled().filter(cohort__in=cohorts).between_days(first, last))
    attended = defaultdict(int)
    for row in Attendance.objects.filter(client__in=clients, session__in=sessions).select_related("session"):
        attended[row.client_id, week_start(row.session.local_date)] += row.minutes_attended
    result = []
    for client in clients:
        weeks = []
        for monday in mondays:
            week = Week(monday, ended=monday + datetime.timedelta(days=6) < today)
            mine = [e for e in enrollments[client.pk] if e.started_on <= monday + datetime.timedelta(6)]
            mine = [e for e in mine if e.ended_on is None or e.ended_on >= monday]
            week.enrolled = bool(mine)
            week.minutes_offered = sum(
                s.duration_minutes
                for s in sessions
                if week_start(s.local_date) == monday
                and any(e.cohort_id == s.cohort_id and e.covers(s.local_date) for e in mine)
            )
            week.minutes_attended = attended[client.pk, monday]
            weeks.append(week)
        result.append(ClientWeeks(client, weeks))
    return result
