"""Warnings about an evening: a room or facilitator booked twice at once, more
clients than the cohort's capacity, or more clients per facilitator than the
program allows (``Program.max_clients_per_staff``)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from iop.models import Program

from .enrollment import rosters
from .models import Session

ROOM = "room"
FACILITATOR = "facilitator"
CAPACITY = "capacity"
RATIO = "ratio"


@dataclass(frozen=True)
class Conflict:
    kind: str
    message: str


@dataclass(frozen=True)
class _Booking:
    """What an evening books, worked out once: its times, room and facilitators."""

    session: Session
    room: str
    staff: dict

    @classmethod
    def of(cls, session):
        staff = {person.pk: person for person in session.facilitators.all()}
        return cls(session, session.room.strip().lower(), staff)


def conflicts_for(sessions, expected=None):
    """{session pk: [Conflict, ...]} for scheduled sessions, in a fixed number of queries.
    ``expected`` is ``enrollment.rosters(sessions)`` if the caller already has it."""
    sessions = [s for s in sessions if not s.is_cancelled]
    if not sessions:
        return {}
    others = sorted(
        (
            _Booking.of(other)
            for other in Session.objects.scheduled()
            .filter(starts_at__lt=max(s.ends_at for s in sessions), ends_at__gt=min(s.starts_at for s in sessions))
            .select_related("cohort")
            .prefetch_related("facilitators")
        ),
        key=lambda booking: booking.session.starts_at,
    )
    if expected is None:
        expected = rosters(sessions)
    limit = Program.current().max_clients_per_staff
    found = {}
    for session in sessions:
        booking = _Booking.of(session)
        found[session.pk] = _double_bookings(booking, _overlapping(others, session)) + _numbers(
            session, len(expected[session.pk]), len(booking.staff), limit
        )
    return found


def _overlapping(others, session):
    """The bookings (sorted by start) that overlap ``session``; the scan stops at the
    first one starting after it ends."""
    found = []
    for other in others:
        if other.session.starts_at >= session.ends_at:
            break
        if other.session.ends_at > session.starts_at and other.session.pk != session.pk:
            found.append(other)
    return found


def _double_bookings(booking, overlapping):
    conflicts = []
    session = booking.session
    for other in overlapping:
        if other.room == booking.room:
            conflicts.append(
                Conflict(
                    ROOM, _("%(room)s is also booked for %(other)s.") % {"room": session.room, "other": other.session}
                )
            )
        for pk, person in other.staff.items():
            if pk in booking.staff:
                message = _("%(person)s also facilitates %(other)s.") % {"person": person, "other": other.session}
                conflicts.append(Conflict(FACILITATOR, message))
    return conflicts


def _numbers(session, clients, staff, limit):
    conflicts = []
    if clients > session.cohort.capacity:
        message = _("%(n)s clients expected; the cohort's capacity is %(cap)s.") % {
            "n": clients,
            "cap": session.cohort.capacity,
        }
        conflicts.append(Conflict(CAPACITY, message))
    if clients and (staff == 0 or clients > staff * limit):
        message = _("%(n)s clients for %(staff)s facilitator(s): more than %(limit)s clients per facilitator.") % {
            "n": clients,
            "staff": staff,
            "limit": limit,
        }
        conflicts.append(Conflict(RATIO, message))
    return conflicts
