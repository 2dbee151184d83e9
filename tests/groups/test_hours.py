"""Minutes attended follow from attendance; hours per week against the ASAM minimum."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from groups import hours
from groups.models import Attendance, minutes_attended
from groups.recurrence import week_start
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "late", "left", "minutes"),
    [
        ("present", 0, 0, 180),
        ("late", 20, 0, 160),
        ("left_early", 0, 45, 135),
        ("excused", 0, 0, 0),
        ("absent", 0, 0, 0),
    ],
)
def test_minutes_attended_follow_from_the_status(status, late, left, minutes):
    assert minutes_attended(status, 180, late, left) == minutes


def test_the_clinical_thresholds_are_named():
    assert hours.ADOLESCENT_MINIMUM_WEEKLY_HOURS == 6
    assert hours.ADULT_MINIMUM_WEEKLY_HOURS == 9
    assert hours.PROGRAM_WEEKLY_HOURS_OFFERED == 12


def week_of_evenings(cohort, monday):
    return [factories.SessionFactory(cohort=cohort, day=monday + datetime.timedelta(days=d)) for d in range(4)]


@pytest.fixture
def last_week(enrolled):
    monday = week_start(timezone.localdate()) - datetime.timedelta(weeks=1)
    enrolled.client_a.enrollments.update(started_on=monday - datetime.timedelta(weeks=2))
    return monday, week_of_evenings(enrolled.client_a.cohort, monday)


def mark(session, client, status, late=0, left=0):
    return Attendance.objects.create(
        session=session, client=client, status=status, late_minutes=late, left_early_minutes=left
    )


def test_full_week_is_twelve_hours_and_not_flagged(enrolled, last_week):
    monday, sessions = last_week
    for session in sessions:
        mark(session, enrolled.client_a, "present")

    (row,) = hours.weekly_hours([enrolled.client_a], [monday], timezone.localdate())

    week = row.weeks[0]
    assert (week.hours, week.hours_offered, week.under_minimum) == (12.0, 12.0, False)


def test_week_under_six_hours_is_flagged(enrolled, last_week):
    monday, sessions = last_week
    mark(sessions[0], enrolled.client_a, "excused")
    mark(sessions[1], enrolled.client_a, "absent")
    mark(sessions[2], enrolled.client_a, "late", late=30)
    mark(sessions[3], enrolled.client_a, "present")

    (row,) = hours.weekly_hours([enrolled.client_a], [monday], timezone.localdate())

    assert (row.weeks[0].hours, row.weeks[0].under_minimum, row.weeks_under_minimum) == (5.5, True, 1)


def test_exactly_six_hours_is_not_flagged(enrolled, last_week):
    monday, sessions = last_week
    mark(sessions[0], enrolled.client_a, "present")
    mark(sessions[1], enrolled.client_a, "present")

    (row,) = hours.weekly_hours([enrolled.client_a], [monday], timezone.localdate())

    assert (row.weeks[0].hours, row.weeks[0].under_minimum) == (6.0, False)


def test_cancelled_evening_is_not_offered(enrolled, last_week):
    monday, sessions = last_week
    sessions[3].status, sessions[3].cancel_reason = "cancelled", "Holiday"
    sessions[3].save()

    (row,) = hours.weekly_hours([enrolled.client_a], [monday], timezone.localdate())

    assert row.weeks[0].hours_offered == 9.0


def test_a_week_that_offered_fewer_hours_than_the_minimum_is_short_not_flagged(enrolled, last_week):
    # Three evenings closed (a holiday week): three hours offered, nobody could reach six.
    monday, sessions = last_week
    for session in sessions[1:]:
        session.status, session.cancel_reason = "cancelled", "Holiday"
        session.save()
    mark(sessions[0], enrolled.client_a, "absent")

    (row,) = hours.weekly_hours([enrolled.client_a], [monday], timezone.localdate())

    week = row.weeks[0]
    assert (week.hours_offered, week.hours, week.short, week.under_minimum, row.weeks_under_minimum) == (
        3.0,
        0.0,
        True,
        False,
        0,
    )


def test_week_still_running_and_weeks_before_admission_are_not_flagged(enrolled, last_week):
    monday, _ = last_week
    this_week = week_start(timezone.localdate())
    before = monday - datetime.timedelta(weeks=4)

    (row,) = hours.weekly_hours([enrolled.client_a], [before, this_week], timezone.localdate())

    assert [(w.enrolled, w.under_minimum) for w in row.weeks] == [(False, False), (True, False)]


def test_database_refuses_two_attendance_rows_for_one_client_and_evening(enrolled, last_week):
    _, sessions = last_week
    mark(sessions[0], enrolled.client_a, "present")
    with pytest.raises(IntegrityError):
        mark(sessions[0], enrolled.client_a, "absent")


def test_database_refuses_minutes_late_without_status_late(enrolled, last_week):
    _, sessions = last_week
    with pytest.raises(IntegrityError):
        mark(sessions[0], enrolled.client_a, "present", late=10)
