"""The clinic fixture with its two clients enrolled in their cohorts, and an evening
of each cohort in the current week."""

import datetime

import pytest
from django.utils import timezone

from tests import factories


@pytest.fixture
def enrolled(clinic):
    for client in (clinic.client_a, clinic.client_b):
        factories.EnrollmentFactory(client=client, cohort=client.cohort)
    return clinic


@pytest.fixture
def evenings(enrolled):
    """(session of cohort 1, session of cohort 2) tomorrow evening."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    return (
        factories.SessionFactory(cohort=enrolled.client_a.cohort, day=day),
        factories.SessionFactory(cohort=enrolled.client_b.cohort, day=day),
    )


@pytest.fixture
def tonight(enrolled):
    """(session of cohort 1, session of cohort 2) this evening: who was there may be recorded."""
    day = timezone.localdate()
    return (
        factories.SessionFactory(cohort=enrolled.client_a.cohort, day=day),
        factories.SessionFactory(cohort=enrolled.client_b.cohort, day=day),
    )
