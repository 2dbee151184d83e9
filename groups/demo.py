"""Demo schedule: Tweens (11-13) and Teens (14-17) on Monday to Thursday evenings
with a Wednesday family group, the 12-week curriculum, enrollments, six weeks of
past evenings with attendance, the coming six weeks, Thanksgiving closed, and next
week's Tuesday evening of the Tweens moved to the Friday."""

import datetime
import hashlib

from django.utils import timezone

from iop.demo import CLIENTS, COHORT_LEADS
from iop.models import Client, User

from . import changes, schedule
from .curriculum_data import CURRICULUM
from .enrollment import rosters, sync_client_cohort
from .models import Attendance, Closure, Cohort, Enrollment, Session, SkillModule
from .recurrence import week_start

COHORTS = [
    # slug, name, ages, room, co-facilitators
    ("tweens", "Tweens 11-13", (11, 13), "Room B (Willow)", ["tweens.cofacilitator@demo.clinic"]),
    ("teens", "Teens 14-17", (14, 17), "Room A (Cedar)", ["cofacilitator@demo.clinic"]),
]
FAMILY_GROUP = (2, datetime.time(19, 30), 60)  # Wednesday, the last hour of the evening
WEEKS_BACK = 6
WEEKS_AHEAD = 6
# One client with a hard week (two evenings missed, one late): under the 6-hour minimum.
HARD_WEEK_CHART, HARD_WEEK_AGO = "T-1003", 1


def seed(today, log):
    cohorts = _cohorts(today)
    _curriculum()
    _enrollments()
    monday = week_start(today)
    first = monday - datetime.timedelta(weeks=WEEKS_BACK)
    last = monday + datetime.timedelta(weeks=WEEKS_AHEAD, days=6)
    schedule.generate_all(cohorts, first, last)
    closure = _thanksgiving_closure(today)
    moved = _move_next_tuesday(monday)
    marked = _attendance(first, monday, today)
    log(
        f"{len(cohorts)} cohorts, {len(CURRICULUM)} skill modules, "
        f"{Session.objects.between_days(first, last).count()} evenings, {marked} attendance marks, closure {closure}, "
        f"moved {moved}"
    )


def _cohorts(today):
    wednesday, start, minutes = FAMILY_GROUP
    cohorts = []
    for slug, name, (age_min, age_max), room, cofacilitators in COHORTS:
        cohort, _ = Cohort.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "age_min": age_min,
                "age_max": age_max,
                "room": room,
                "capacity": 10,
                "lead_clinician": User.objects.get(email=COHORT_LEADS[slug]),
                "active_from": today - datetime.timedelta(days=365),
                "family_group_weekday": wednesday,
                "family_group_start": start,
                "family_group_minutes": minutes,
            },
        )
        cohort.co_facilitators.set(User.objects.filter(email__in=cofacilitators))
        cohorts.append(cohort)
    return cohorts


def _curriculum():
    for module in CURRICULUM:
        SkillModule.objects.update_or_create(
            position=module.week,
            defaults={
                "title": module.title,
                "modality": module.modality,
                "teaches": module.teaches,
                "activities": list(module.activities),
                "home_practice": module.home_practice,
                "family_tips": list(module.family_tips),
                "conversation_starters": list(module.conversation_starters),
            },
        )


def _enrollments():
    """One enrollment per demo client, from admission (to discharge)."""
    for chart, *_rest, cohort_slug, _weeks, status in CLIENTS:
        client = Client.objects.get(chart_number=chart)
        client.enrollments.all().delete()
        if status != "referred":
            Enrollment.objects.create(
                client=client,
                cohort=Cohort.objects.get(slug=cohort_slug),
                started_on=client.admitted_on,
                ended_on=client.discharged_on,
                end_reason=Enrollment.EndReason.DISCHARGE if client.discharged_on else "",
            )
        sync_client_cohort(client)


def thanksgiving(year):
    """US Thanksgiving: the fourth Thursday of November."""
    first = datetime.date(year, 11, 1)
    return first + datetime.timedelta(days=(3 - first.weekday()) % 7 + 21)


def _thanksgiving_closure(today):
    day = thanksgiving(today.year)
    if day < today:
        day = thanksgiving(today.year + 1)
    closure, _ = Closure.objects.get_or_create(
        starts_on=day,
        ends_on=day,
        cohort=None,
        defaults={
            "reason": Closure.Reason.HOLIDAY,
            "note": "Thanksgiving",
            "created_by": User.objects.get(email="admin@demo.clinic"),
        },
    )
    changes.apply_closure(closure)
    return closure


#: The evening the demo moves: a cohort's slug and the weekday (0 is Monday) of next
#: week, and how many days later it goes. Families see it under "Changes in the coming weeks".
MOVED_EVENING = ("tweens", 1, 3)


def _move_next_tuesday(this_monday):
    """Next week's Tuesday evening of the Tweens, moved to the Friday at the same time
    (a staff training night), as the admin would; left as it is when seeded again."""
    slug, weekday, later = MOVED_EVENING
    day = this_monday + datetime.timedelta(weeks=1, days=weekday)
    session = Session.objects.between_days(day, day).filter(cohort__slug=slug).first()
    if session is None or session.is_cancelled:
        return session
    by = User.objects.get(email="admin@demo.clinic")
    return changes.reschedule(session, session.starts_at + datetime.timedelta(days=later), by)


def _attendance(first, this_monday, today):
    # Every evening before today, this week's included (their group notes are signed,
    # which locks attendance); today's is left for the demo clinician to take.
    past = list(
        Session.objects.scheduled()
        .filter(ends_at__lt=timezone.now())
        .between_days(first, today - datetime.timedelta(days=1))
        .select_related("cohort")
    )
    expected = rosters(past, with_clients=True)
    hard_week = this_monday - datetime.timedelta(weeks=HARD_WEEK_AGO)
    marked = 0
    for session in past:
        for enrollment in expected[session.pk]:
            chart = enrollment.client.chart_number
            if chart == HARD_WEEK_CHART and week_start(session.local_date) == hard_week:
                status, late, left = _hard_week_mark(session.local_date.weekday())
            else:
                status, late, left = _usual_mark(chart, session.local_date)
            Attendance.objects.update_or_create(
                session=session,
                client=enrollment.client,
                defaults={
                    "status": status,
                    "late_minutes": late,
                    "left_early_minutes": left,
                    "recorded_by": session.cohort.lead_clinician,
                },
            )
            marked += 1
    return marked


def _usual_mark(chart, day):
    """Mostly present; now and then late, leaving early, excused or absent. Fixed per
    client and day, so seeding twice gives the same marks."""
    roll = int(hashlib.sha256(f"{chart}:{day}".encode()).hexdigest(), 16) % 100
    if roll < 80:
        return Attendance.Status.PRESENT, 0, 0
    if roll < 87:
        return Attendance.Status.LATE, 10 + roll % 4 * 5, 0
    if roll < 92:
        return Attendance.Status.LEFT_EARLY, 0, 30 + roll % 3 * 15
    if roll < 97:
        return Attendance.Status.EXCUSED, 0, 0
    return Attendance.Status.ABSENT, 0, 0


def _hard_week_mark(weekday):
    return {
        0: (Attendance.Status.EXCUSED, 0, 0),
        1: (Attendance.Status.ABSENT, 0, 0),
        2: (Attendance.Status.LATE, 30, 0),
    }.get(weekday, (Attendance.Status.PRESENT, 0, 0))
