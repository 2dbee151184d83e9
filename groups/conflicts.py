"""Warnings about an evening: a room or facilitator booked twice at once, more
clients than the cohort's capacity, or more clients per facilitator than the
program allows (``Program.max_clients_per_staff``)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from iop.models import Program
from iop.prepared import Param, ParamList, Prepared

from .enrollment import expected_counts
from .models import Session

ROOM = "room"
FACILITATOR = "facilitator"
CAPACITY = "capacity"
RATIO = "ratio"

# An evening ends on the day it starts or the next: bounding the start lets the
# overlap search use the start-time index instead of reading all history.
LONGEST_EVENING = datetime.timedelta(days=1)
OTHER_EVENING_FIELDS = ("cohort__name", "starts_at", "ends_at", "status", "room")


@dataclass(frozen=True)
class Conflict:
    kind: str
    message: str


@dataclass(frozen=True)
class _Booking:
    """What an evening books, worked out once: its room, its facilitators' ids, and
    its start, end and id as plain values (the overlap search compares them often)."""

    session: Session
    room: str
    staff: frozenset
    pk: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def _booking(session, staff):
    return _Booking(
        session, session.room.strip().lower(), frozenset(staff), session.pk, session.starts_at, session.ends_at
    )


def _in_window(start, end, first_start, path=""):
    """The scheduled evenings (reached by ``path``) starting from ``start`` to before
    ``end`` that end after ``first_start``: every evening that may overlap one of
    those ``conflicts_for`` checks."""
    return Q(
        **{
            f"{path}status": Session.Status.SCHEDULED,
            f"{path}starts_at__gte": start,
            f"{path}starts_at__lt": end,
            f"{path}ends_at__gt": first_start,
        }
    )


#: The window's other evenings (not ``known``): only the room, the times and the
#: cohort's name are read.
_OTHER_EVENINGS = Prepared(
    lambda: (
        Session.objects.filter(_in_window(Param("start"), Param("end"), Param("first_start")))
        .exclude(pk__in=ParamList("known"))
        .select_related("cohort")
        .only(*OTHER_EVENING_FIELDS)
    )
)

#: Who facilitates each evening of the window.
_WINDOW_STAFF = Prepared(
    lambda: Session.facilitators.through.objects.filter(
        _in_window(Param("start"), Param("end"), Param("first_start"), path="session__")
    ).values_list("session_id", "user_id")
)


def conflicts_for(sessions, expected=None):
    """{session pk: [Conflict, ...]} for scheduled sessions, in a fixed number of queries.
    ``expected`` is ``enrollment.expected_counts(sessions)`` if the caller has it. Every
    evening in the same hours is read once, with its facilitators' ids only; people are
    loaded only when one of them is booked twice."""
    sessions = [s for s in sessions if not s.is_cancelled]
    if not sessions:
        return {}
    first_start = min(s.starts_at for s in sessions)
    window = {
        "start": first_start - LONGEST_EVENING,
        "end": max(s.ends_at for s in sessions),
        "first_start": first_start,
    }
    known = {s.pk: s for s in sessions}
    rest = _OTHER_EVENINGS.run(known=sorted(known), **window)
    # The facilitators of every evening in the window (``sessions`` are in it: each
    # starts at or after the first start, and before its own end). A join PostgreSQL
    # takes longer to plan than to run: prepared, it is planned once per connection.
    staff = defaultdict(set)
    for session_id, user_id in _WINDOW_STAFF.run(**window):
        staff[session_id].add(user_id)
    bookings = sorted((_booking(s, staff[s.pk]) for s in [*known.values(), *rest]), key=lambda b: b.starts_at)
    if expected is None:
        expected = expected_counts(sessions)
    limit = Program.current().max_clients_per_staff
    mine = {booking.pk: booking for booking in bookings if booking.pk in known}
    # Only evenings sharing a room or a facilitator can be double-booked: each evening
    # is compared with those, not with every evening in the same hours (a clinic's
    # cohorts all meet at once, each in its own room).
    sharing = _sharing(bookings)
    overlaps = {pk: _overlapping(booking, sharing(booking)) for pk, booking in mine.items()}
    people = _people_booked_twice(mine, overlaps)
    found = {}
    for session in sessions:
        pk = session.pk
        booking = mine[pk]
        found[pk] = _double_bookings(session, booking, people, overlaps[pk]) + _numbers(
            session, expected[pk], len(booking.staff), limit
        )
    return found


def _sharing(bookings):
    """A function of one booking: the bookings (of ``bookings``, in their order) with
    its room or one of its facilitators, itself included."""
    by_room, by_person = defaultdict(list), defaultdict(list)
    for order, booking in enumerate(bookings):
        by_room[booking.room].append((order, booking))
        for person in booking.staff:
            by_person[person].append((order, booking))

    def sharing(booking):
        found = dict(by_room[booking.room])
        for person in booking.staff:
            found.update(by_person[person])
        return [found[order] for order in sorted(found)]

    return sharing


def _people_booked_twice(mine, overlaps):
    """{pk: User} of facilitators of the bookings ``mine`` who also facilitate an
    overlapping evening."""
    twice = set()
    for pk, booking in mine.items():
        if booking.staff:
            for other in overlaps[pk]:
                twice |= booking.staff & other.staff
    if not twice:
        return {}
    return {person.pk: person for person in get_user_model().objects.filter(pk__in=twice)}


def _overlapping(booking, candidates):
    """The ``candidates`` (other than ``booking`` itself) whose hours overlap ``booking``'s."""
    starts_at, ends_at, pk = booking.starts_at, booking.ends_at, booking.pk
    return [other for other in candidates if other.starts_at < ends_at and other.ends_at > starts_at and other.pk != pk]


def _double_bookings(session, booking, people, overlapping):
    conflicts = []
    staff = booking.staff
    for other in overlapping:
        if other.room == booking.room:
            message = _("%(room)s is also booked for %(other)s.") % {"room": session.room, "other": other.session}
            conflicts.append(Conflict(ROOM, message))
        if not people:
            continue
        for person in (person for pk, person in people.items() if pk in staff and pk in other.staff):
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
