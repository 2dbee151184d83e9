"""The demo schedule is realistic and seeding it twice gives the same clinic."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from groups.hours import weekly_hours
from groups.models import Attendance, Closure, CohortWeek, Enrollment, Session, SkillModule
from groups.recurrence import week_start
from iop.models import Client

pytestmark = pytest.mark.django_db


def counts():
    models = (SkillModule, CohortWeek, Session, Attendance, Enrollment, Closure)
    return {model.__name__: model.objects.count() for model in models} | {
        "cancelled": Session.objects.filter(status="cancelled").count()
    }


def test_seeding_twice_gives_the_same_schedule():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))

    assert counts() == first
    assert first["SkillModule"] == 12
    monday = week_start(timezone.localdate())
    past = Session.objects.filter(
        ends_at__lt=timezone.now(), starts_at__gte=timezone.now() - datetime.timedelta(weeks=6)
    )
    assert past.count() >= 40 and Attendance.objects.count() > 200
    # Every evening before today has its attendance (its group note is signed, and
    # signing locks attendance), this week's earlier evenings too.
    before_today = Session.objects.scheduled().between_days(monday - datetime.timedelta(weeks=6), timezone.localdate())
    before_today = before_today.exclude(starts_at__date__gte=timezone.localdate())
    assert not before_today.exclude(attendance__isnull=False).exists()
    assert Session.objects.filter(starts_at__gte=timezone.now()).count() >= 45
    statuses = set(Attendance.objects.values_list("status", flat=True))
    assert statuses == {"present", "late", "left_early", "excused", "absent"}
    assert Closure.objects.get().note == "Thanksgiving"
    mondays = [monday - datetime.timedelta(weeks=n) for n in range(6, 0, -1)]
    rows = weekly_hours(Client.objects.filter(status="admitted"), mondays, timezone.localdate())
    assert sum(row.weeks_under_minimum for row in rows) >= 1
