"""What a family member's home shows for one of their children this week: the
skill summary, the group evenings (cancelled ones as cancelled), the family
group, and the child's own attendance and hours. Reads groups' schedule and
hours; every query is about the one child passed in."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from groups.hours import weekly_hours
from groups.models import Attendance, Session
from groups.recurrence import week_start

from .models import FamilyGroupAttendance, PersonalNote, SkillSummary


@dataclass
class Evening:
    session: object
    attendance: object = None

    @property
    def is_tonight(self):
        return self.session.local_date == timezone.localdate()


@dataclass
class ChildWeek:
    client: object
    monday: datetime.date
    today: datetime.date = None
    summary: object = None
    evenings: list = field(default_factory=list)
    next_evening: object = None
    family_group: object = None
    family_group_marks: list = field(default_factory=list)
    hours: object = None


def child_week(client, member, now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    monday = week_start(today)
    week = ChildWeek(client, monday, today, summary=this_weeks_summary(client, monday))
    if client.cohort_id is None:
        return week
    sessions = list(
        Session.objects.filter(cohort_id=client.cohort_id)
        .between_days(monday, monday + datetime.timedelta(days=6))
        .order_by("starts_at")
    )
    marks = {a.session_id: a for a in Attendance.objects.filter(client=client, session__in=sessions)}
    week.evenings = [Evening(s, marks.get(s.pk)) for s in sessions]
    week.next_evening = (
        Session.objects.filter(cohort_id=client.cohort_id, ends_at__gt=now).scheduled().order_by("starts_at").first()
    )
    week.family_group = next((s for s in sessions if s.has_family_group and not s.is_cancelled), None)
    week.family_group_marks = list(
        FamilyGroupAttendance.objects.filter(
            session__in=sessions, link__family_member=member, link__client=client
        ).select_related("session")
    )
    (week.hours,) = weekly_hours([client], [monday], today)[0].weeks
    return week


def this_weeks_summary(client, monday):
    return (
        SkillSummary.objects.for_clients([client])
        .filter(cohort_week__cohort_id=client.cohort_id, cohort_week__week_of=monday)
        .first()
    )


def archive(client):
    """Published summaries of the weeks the child was in group, newest first."""
    return SkillSummary.objects.for_clients([client]).select_related("cohort_week__cohort")


def released_note(summary, client):
    return PersonalNote.objects.released().filter(summary=summary, client=client).first()
