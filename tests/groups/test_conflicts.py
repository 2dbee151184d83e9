"""Warnings about an evening: double bookings, capacity, clients per facilitator."""

import datetime

import pytest
from django.utils import timezone

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


def test_room_and_facilitator_shared_at_once_warn_of_both(evenings):
    teens, tweens = evenings
    tweens.room = teens.room
    tweens.save()
    tweens.facilitators.add(teens.cohort.lead_clinician)

    assert kinds(teens) == [ROOM, FACILITATOR]


def test_same_room_and_facilitator_back_to_back_is_not_double_booked(evenings):
    teens, tweens = evenings
    # Tweens in the same room with the same lead, starting as the teens' evening ends.
    tweens.room = teens.room
    tweens.starts_at, tweens.ends_at = teens.ends_at, teens.ends_at + datetime.timedelta(hours=1)
    tweens.save()
    tweens.facilitators.set([teens.cohort.lead_clinician])

    def double_bookings():
        # Both at once, as the week calendar asks: each is among the other's candidates.
        found = conflicts_for([teens, tweens])
        return [[c.kind for c in found[s.pk] if c.kind in (ROOM, FACILITATOR)] for s in (teens, tweens)]

    assert kinds(teens) == kinds(tweens) == []
    assert double_bookings() == [[], []]
    tweens.starts_at -= datetime.timedelta(minutes=1)
    tweens.save()
    assert kinds(teens) == kinds(tweens) == [ROOM, FACILITATOR]
    assert double_bookings() == [[ROOM, FACILITATOR], [ROOM, FACILITATOR]]


def test_an_evening_is_warned_of_each_evening_it_shares_with_and_no_other(evenings):
    teens, tweens = evenings
    day = timezone.localtime(teens.starts_at).date()
    # A third cohort at the same hours in its own room with its own lead: nothing shared.
    apart = factories.SessionFactory(day=day)
    # A fourth in the teens' room, a fifth led by the teens' lead.
    same_room = factories.SessionFactory(day=day, room=teens.room)
    same_lead = factories.SessionFactory(day=day, facilitators=[teens.cohort.lead_clinician])

    found = conflicts_for([teens, tweens, apart, same_room, same_lead])

    teens_warnings = [c.message for c in found[teens.pk] if c.kind in (ROOM, FACILITATOR)]
    assert len(teens_warnings) == 2
    assert same_room.cohort.name in " ".join(teens_warnings) and same_lead.cohort.name in " ".join(teens_warnings)
    assert [c.kind for c in found[same_room.pk] if c.kind != RATIO] == [ROOM]
    assert [c.kind for c in found[same_lead.pk] if c.kind != RATIO] == [FACILITATOR]
    assert [c.kind for c in found[apart.pk] if c.kind != RATIO] == []
    assert [c.kind for c in found[tweens.pk] if c.kind != RATIO] == []
