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


def test_the_demo_moves_next_weeks_tuesday_evening_of_the_tweens_and_their_families_see_it(client):
    from django.urls import reverse

    from iop.models import User

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    tuesday = week_start(timezone.localdate()) + datetime.timedelta(weeks=1, days=1)
    moved = Session.objects.between_days(tuesday, tuesday).get(cohort__slug="tweens")
    assert moved.is_cancelled and moved.moved_to.local_date == tuesday + datetime.timedelta(days=3)
    assert moved.moved_to.local_start.time() == moved.local_start.time() and not moved.moved_to.is_cancelled

    client.force_login(User.objects.get(email="parent2@demo.clinic"))  # Tweens only
    page = client.get(reverse("families:home")).content.decode()
    ahead = page.split("Changes in the coming weeks", 1)[1].split("</ul>", 1)[0]
    friday = moved.moved_to.local_start
    ends = moved.moved_to.local_end
    assert f"Moved to {friday:%a} {friday.day} {friday:%b}, {friday:%H:%M}–{ends:%H:%M}" in ahead
