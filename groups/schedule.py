"""Sessions from a cohort's weekly pattern: generating a date range is idempotent,
never duplicates an evening, and never touches charted or cancelled sessions."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from . import notices
from .curriculum import ensure_weeks_for
from .models import Closure, Cohort, Session
from .recurrence import evenings, span_on, weeks_between


@dataclass
class Generated:
    created: int = 0
    kept: int = 0
    cancelled_by_closure: int = 0
    removed: int = 0
    retimed: int = 0

    def __iadd__(self, other):
        for field in ("created", "kept", "cancelled_by_closure", "removed", "retimed"):
            setattr(self, field, getattr(self, field) + getattr(other, field))
        return self


def pattern_evenings(cohort, first, last):
    """(start, end) of every evening of the cohort's pattern in [first, last], clinic-local."""
    first = max(first, cohort.active_from)
    if cohort.active_until:
        last = min(last, cohort.active_until)
    duration = datetime.timedelta(minutes=cohort.duration_minutes)
    return evenings(cohort.weekdays, cohort.start_time, duration, timezone.get_current_timezone(), first, last)


def family_group_window(cohort, day):
    """(start, end) of the cohort's family group on ``day``, or None on other evenings."""
    if not cohort.has_family_group or day.weekday() != cohort.family_group_weekday:
        return None
    duration = datetime.timedelta(minutes=cohort.family_group_minutes)
    return span_on(day, cohort.family_group_start, duration, timezone.get_current_timezone())


def covering_closure(closures, day):
    return next((c for c in closures if c.starts_on <= day <= c.ends_on), None)


def generate(cohort, first, last):
    """Create the missing evenings of ``cohort`` in [first, last]. A day of the
    pattern that already has the cohort's regular evening keeps it, whatever became
    of it (charted, cancelled, closed, moved elsewhere): nothing is made twice.
    Coming evenings that are still only scheduled follow a changed start time,
    length or family group in place (with their room, agenda, facilitators and any
    absence marked ahead). Coming evenings on days the pattern no longer has are
    removed when nothing is recorded for them."""
    return generate_all([cohort], first, last)


#: What generation reads of each evening already in the range.
EXISTING_FIELDS = ("pk", "cohort_id", "starts_at", "ends_at", "family_group_starts_at", "family_group_ends_at")


@transaction.atomic
def generate_all(cohorts, first, last):
    """``generate`` for several cohorts at once, in a fixed number of queries whatever
    the number of cohorts and the length of the range: existing evenings and closures
    are read once, new evenings are written in bulk with their facilitators and weeks."""
    cohorts = list(cohorts)
    result = Generated()
    if not cohorts:
        return result
    slots = {
        cohort.pk: {start.date(): (start, end) for start, end in pattern_evenings(cohort, first, last)}
        for cohort in cohorts
    }
    existing = Session.objects.filter(cohort__in=cohorts).between_days(first, last)
    now = timezone.now()
    every_evening = list(existing.values(*EXISTING_FIELDS, "kind", "status", "charted_at"))
    regular = [row for row in every_evening if row["kind"] == Session.Kind.REGULAR]
    untouched = set(_untouched(existing, now).values_list("pk", flat=True))
    starts_taken = {(row["cohort_id"], row["starts_at"]) for row in every_evening}
    # A moved or make-up evening already on the day, at another time: no regular one beside it.
    stand_ins = [
        (row["cohort_id"], row["starts_at"], row["ends_at"])
        for row in every_evening
        if row["kind"] != Session.Kind.REGULAR and row["status"] == Session.Status.SCHEDULED
    ]
    by_pk = {cohort.pk: cohort for cohort in cohorts}
    on_pattern_days, off_pattern, retimed = set(), [], []
    for row in regular:
        day = timezone.localtime(row["starts_at"]).date()
        slot = slots[row["cohort_id"]].get(day)
        if slot is None:
            if row["pk"] in untouched:
                off_pattern.append(row["pk"])
            continue
        on_pattern_days.add((row["cohort_id"], day))
        still_to_come = (
            row["status"] == Session.Status.SCHEDULED and row["charted_at"] is None and row["starts_at"] > now
        )
        if still_to_come:
            retimed += _retimed(row, by_pk[row["cohort_id"]], day, slot, starts_taken, now)
    result.removed = _remove(off_pattern)
    Session.objects.bulk_update(retimed, ["starts_at", "ends_at", "family_group_starts_at", "family_group_ends_at"])
    # A reminder written with the old time and not yet sent would say it; the next
    # run of its producer writes one with the new time (keys carry the time).
    notices.withdraw_evening_reminders([session.pk for session in retimed])
    result.retimed = len(retimed)
    closures = list(Closure.objects.filter(starts_on__lte=last, ends_on__gte=first))
    new = []
    for cohort in cohorts:
        own = [c for c in closures if c.cohort_id in (None, cohort.pk)]
        for day, (start, end) in slots[cohort.pk].items():
            taken = (cohort.pk, day) in on_pattern_days or (cohort.pk, start) in starts_taken
            if taken or any(c == cohort.pk and s < end and e > start for c, s, e in stand_ins):
                result.kept += 1
            else:
                new.append(_new_session(cohort, start, end, covering_closure(own, day)))
    Session.objects.bulk_create(new)
    _add_facilitators(cohorts, new)
    result.created = len(new)
    closed = [session for session in new if session.is_cancelled]
    result.cancelled_by_closure = len(closed)
    _tell_families_of_closures(closed)
    ensure_weeks_for(cohorts, weeks_between(first, last))
    return result


def _retimed(row, cohort, day, slot, starts_taken, now):
    """[the evening of ``row`` with the pattern's times for ``day``], or [] when it
    has them already, or when another evening of the cohort holds the new start."""
    start, end = slot
    if start <= now:
        return []  # today's evening, moved to a start already gone: it stays as families know it
    window = family_group_window(cohort, day) or (None, None)
    wanted = {
        "starts_at": start,
        "ends_at": end,
        "family_group_starts_at": window[0],
        "family_group_ends_at": window[1],
    }
    if all(row[field] == value for field, value in wanted.items()):
        return []
    if start != row["starts_at"] and (row["cohort_id"], start) in starts_taken:
        return []
    starts_taken.discard((row["cohort_id"], row["starts_at"]))
    starts_taken.add((row["cohort_id"], start))
    return [Session(pk=row["pk"], **wanted)]


def _tell_families_of_closures(sessions):
    """A closure saved before its evenings existed told nobody: the families expected
    at the evenings it now cancels hear of it as these are made (once per closure and
    person, as when the closure is saved)."""
    by_closure = {}
    now = timezone.now()
    for session in sessions:
        if session.starts_at > now:  # days already gone are not news
            by_closure.setdefault(session.closure, []).append(session)
    for closure, closed in by_closure.items():
        # Named by its first evening: a closure met again by a later run tells of those evenings too.
        notices.tell_families_of_closure(closure, closed, batch=f":made:{min(s.pk for s in closed)}")


def _new_session(cohort, start, end, closure):
    """An unsaved evening of ``cohort``, cancelled if a closure covers it."""
    window = family_group_window(cohort, start.date())
    session = Session(
        cohort=cohort,
        starts_at=start,
        ends_at=end,
        room=cohort.room,
        family_group_starts_at=window[0] if window else None,
        family_group_ends_at=window[1] if window else None,
    )
    if closure:
        session.status = Session.Status.CANCELLED
        session.closure = closure
        session.cancel_reason = closure.get_reason_display()
    return session


def _add_facilitators(cohorts, sessions):
    """Each cohort's lead and co-facilitators on its new ``sessions``, in one insert."""
    if not sessions:
        return
    people = {cohort.pk: [cohort.lead_clinician_id] for cohort in cohorts}
    for cohort_id, user_id in Cohort.co_facilitators.through.objects.filter(cohort__in=cohorts).values_list(
        "cohort_id", "user_id"
    ):
        people[cohort_id].append(user_id)
    through = Session.facilitators.through
    through.objects.bulk_create(
        through(session_id=session.pk, user_id=pk)
        for session in sessions
        for pk in dict.fromkeys(people[session.cohort_id])
    )


def _untouched(existing, now):
    """The coming regular evenings of ``existing`` with nothing recorded for them."""
    return existing.filter(
        kind=Session.Kind.REGULAR,
        status=Session.Status.SCHEDULED,
        charted_at__isnull=True,
        starts_at__gt=now,
        attendance__isnull=True,
        replacements__isnull=True,
    )


def _remove(session_ids):
    """Delete these evenings (and their facilitator rows); returns how many."""
    if session_ids:
        notices.withdraw_evening_reminders(session_ids)
        Session.facilitators.through.objects.filter(session_id__in=session_ids).delete()
        Session.objects.filter(pk__in=session_ids).delete()
    return len(session_ids)
