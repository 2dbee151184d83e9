"""The clinic fixture's two clients enrolled, with this week's evenings (one with a
family group, one cancelled) and a published skill summary for each cohort."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from groups.recurrence import week_start
from tests import factories


def evening(cohort, day, **fields):
    session = factories.SessionFactory(cohort=cohort, day=day)
    for name, value in fields.items():
        setattr(session, name, value)
    session.save()
    return session


@pytest.fixture
def monday_morning():
    """The clock at 09:00 (clinic time) on this week's Monday, and running: every
    evening of ``family_week`` is still to come, so any of them may be moved or
    closed. Ask for it before ``family_week``."""
    monday = week_start(timezone.localdate())
    with time_machine.travel(datetime.datetime.combine(monday, datetime.time(9), timezone.get_current_timezone())):
        yield


@pytest.fixture
def family_week(clinic):
    """Per cohort: Monday..Thursday evenings this week; Wednesday has the family
    group; Thursday is cancelled. This week's summary is published."""
    monday = week_start(timezone.localdate())
    clinic.sessions = {}
    clinic.summaries = {}
    for client in (clinic.client_a, clinic.client_b):
        cohort = client.cohort
        factories.EnrollmentFactory(client=client, cohort=cohort, started_on=monday - datetime.timedelta(weeks=3))
        sessions = []
        for offset in range(4):
            day = monday + datetime.timedelta(days=offset)
            session = evening(cohort, day)
            if offset == 2:
                session.family_group_starts_at = session.starts_at + datetime.timedelta(hours=2)
                session.family_group_ends_at = session.ends_at
            if offset == 3:
                session.status, session.cancel_reason = "cancelled", "Holiday"
            session.save()
            sessions.append(session)
        clinic.sessions[client.pk] = sessions
        clinic.summaries[client.pk] = factories.SkillSummaryFactory(
            cohort_week=factories.CohortWeekFactory(cohort=cohort, week_of=monday)
        )
    return clinic
