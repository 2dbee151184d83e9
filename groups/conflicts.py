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


def conflicts_for(sessions):
    """{session pk: [Conflict, ...]} for scheduled sessions, in a fixed number of queries."""
    sessions = [s for s in sessions if not s.is_cancelled]
    if not sessions:
        return {}
    others = list(
        Session.objects.scheduled()
        .filter(starts_at__lt=max(s.ends_at for s in sessions), ends_at__gt=min(s.starts_at for s in sessions))
        .select_related("cohort")
        .prefetch_related("facilitators")
    )
    expected = rosters(sessions)
    limit = Program.current().max_clients_per_staff
    found = {}
    for session in sessions:
        staff = {person.pk: person for person in session.facilitators.all()}
        found[session.pk] = _double_bookings(session, staff, others) + _numbers(
            session, len(expected[session.pk]), len(staff), limit
        )
    return found


def _double_bookings(session, staff, others):
    conflicts = []
    for other in others:
        if other.pk == session.pk or not (other.starts_at < session.ends_at and other.ends_at > session.starts_at):
            continue
        if other.room.strip().lower() == session.room.strip().lower():
            conflicts.append(
                Conflict(ROOM, _("%(room)s is also booked for %(other)s.") % {"room": session.room, "other": other})
            )
        for person in other.facilitators.all():
            if person.pk in staff:
                message = _("%(person)s also facilitates %(other)s.") % {"person": person, "other": other}
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
