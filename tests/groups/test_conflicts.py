"""Warnings about an evening: double bookings, capacity, clients per facilitator."""

import pytest

from groups.conflicts import CAPACITY, FACILITATOR, RATIO, ROOM, conflicts_for
from iop.models import Program
from tests import factories

pytestmark = pytest.mark.django_db


def kinds(session):
    return [c.kind for c in conflicts_for([session]).get(session.pk, [])]


def enroll(cohort, n):
    for _ in range(n):
        factories.EnrollmentFactory(client=factories.ClientFactory(cohort=cohort), cohort=cohort)


def test_a_well_staffed_evening_has_no_warnings(evenings):
    teens, tweens = evenings
    assert kinds(teens) == kinds(tweens) == []


def test_same_room_at_the_same_time_is_double_booked(evenings):
    teens, tweens = evenings
    tweens.room = teens.room.upper()
    tweens.save()

    assert kinds(teens) == [ROOM]
    assert kinds(tweens) == [ROOM]


def test_facilitator_in_two_groups_at_once_is_double_booked(evenings):
    teens, tweens = evenings
    tweens.facilitators.add(teens.cohort.lead_clinician)

    assert kinds(teens) == [FACILITATOR]
    message = conflicts_for([teens])[teens.pk][0].message
    assert str(teens.cohort.lead_clinician) in message and tweens.cohort.name in message


def test_cancelled_evening_books_nothing(evenings):
    teens, tweens = evenings
    tweens.room = teens.room
    tweens.status, tweens.cancel_reason = "cancelled", "Weather"
    tweens.save()

    assert kinds(teens) == []
    assert conflicts_for([tweens]) == {}


def test_more_clients_than_capacity_warns(evenings):
    teens, _ = evenings
    teens.cohort.capacity = 3
    teens.cohort.save()
    teens.facilitators.add(factories.ClinicianFactory())
    enroll(teens.cohort, 3)  # plus client A: four expected

    assert kinds(teens) == [CAPACITY]


def test_more_clients_per_facilitator_than_the_program_allows_warns(evenings):
    teens, _ = evenings
    Program.objects.update_or_create(pk=1, defaults={"max_clients_per_staff": 2})
    enroll(teens.cohort, 2)  # three clients, one facilitator

    assert kinds(teens) == [RATIO]
    teens.facilitators.add(factories.ClinicianFactory())
    assert kinds(teens) == []


def test_clients_with_no_facilitator_warns(evenings):
    teens, _ = evenings
    teens.facilitators.clear()

    assert kinds(teens) == [RATIO]
