"""Beat runs the daily reminders at clinic-local times, each a registered task
that calls its producer and is safe to run twice."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from iop.celery import app
from iop.models import OutboxMessage

pytestmark = pytest.mark.django_db

DAILY = {
    "staff-morning-digest": ("clinicians.tasks.send_morning_digests", 8, 30),
    "group-tonight": ("families.tasks.remind_group_tonight", 14, 0),
    "family-group-tomorrow": ("families.tasks.remind_family_group_tomorrow", 15, 0),
    "family-appointments-tomorrow": ("families.tasks.remind_family_appointments_tomorrow", 15, 0),
    "check-in-links": ("clinicians.tasks.send_check_in_links", 15, 30),
}


@pytest.mark.parametrize("name", DAILY)
def test_daily_reminder_runs_at_a_clinic_local_time_and_again_within_the_hour(name):
    """From its time, at least three runs within the same hour: a run beat could not
    hand to the broker, or one that failed partway, is made up minutes later."""
    task, hour, minute = DAILY[name]
    entry = settings.CELERY_BEAT_SCHEDULE[name]
    assert entry["task"] == task
    app.loader.import_default_modules()
    assert task in app.tasks
    schedule = entry["schedule"]
    assert schedule.hour == {hour} and min(schedule.minute) == minute and len(schedule.minute) >= 3
    assert schedule.day_of_week == set(range(7))
    # crontab follows CELERY_TIMEZONE, which is the clinic's: 14:00 is 14:00 at the clinic.
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE


def test_running_every_daily_task_twice_sends_each_reminder_once(clinic):
    from tests import factories

    clinic.client_a.email = "avery.own@example.test"
    clinic.client_a.save()
    factories.EnrollmentFactory(client=clinic.client_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    factories.FamilyAppointmentFactory(client=clinic.client_a, day=tomorrow)
    counts = []
    for _ in range(2):
        for task, _hour, _minute in DAILY.values():
            app.tasks[task].apply()
        counts.append(OutboxMessage.objects.count())
    assert counts[0] == counts[1] > 0
    kinds = set(OutboxMessage.objects.values_list("kind", flat=True))
    assert {"family_session", "check_in_due", "staff_digest"} <= kinds
