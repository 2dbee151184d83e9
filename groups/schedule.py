"""Sessions from a cohort's weekly pattern: generating a date range is idempotent,
never duplicates an evening, and never touches charted or cancelled sessions."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .curriculum import ensure_weeks
from .models import Closure, Session
from .recurrence import evenings, span_on, weeks_between


@dataclass
class Generated:
    created: int = 0
    kept: int = 0
    cancelled_by_closure: int = 0
    removed: int = 0

    def __iadd__(self, other):
        for field in ("created", "kept", "cancelled_by_closure", "removed"):
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


def closures_for(cohort, first, last):
    overlapping = Closure.objects.filter(starts_on__lte=last, ends_on__gte=first)
    return list(overlapping.filter(Q(cohort__isnull=True) | Q(cohort=cohort)))


def covering_closure(closures, day):
    return next((c for c in closures if c.starts_on <= day <= c.ends_on), None)


@transaction.atomic
def generate(cohort, first, last):
    """Create the missing evenings of ``cohort`` in [first, last]. Evenings already
    there are kept as they are (edited, cancelled or charted). Future regular
    evenings that no longer fit the pattern, and have nothing recorded, are removed,
    so a changed pattern moves the coming weeks without doubling any evening.

    A fixed number of queries whatever the length of the range: the existing
    evenings are read once and the new ones written in bulk with their facilitators."""
    result = Generated()
    slots = pattern_evenings(cohort, first, last)
    starts = {start for start, _ in slots}
    existing = Session.objects.filter(cohort=cohort).between_days(first, last)
    result.removed = _remove_off_pattern(existing, starts)
    taken = set(existing.values_list("starts_at", flat=True))
    closures = closures_for(cohort, first, last)
    new = [
        _new_session(cohort, start, end, covering_closure(closures, start.date()))
        for start, end in slots
        if start not in taken
    ]
    result.kept = len(slots) - len(new)
    Session.objects.bulk_create(new)
    _add_facilitators(cohort, new)
    result.created = len(new)
    result.cancelled_by_closure = sum(session.is_cancelled for session in new)
    ensure_weeks(cohort, weeks_between(first, last))
    return result


@transaction.atomic
def generate_all(cohorts, first, last):
    total = Generated()
    for cohort in cohorts:
        total += generate(cohort, first, last)
    return total


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


def _add_facilitators(cohort, sessions):
    """The cohort's lead and co-facilitators on each of the new ``sessions``, in one insert."""
    if not sessions:
        return
    people = dict.fromkeys([cohort.lead_clinician_id, *cohort.co_facilitators.values_list("pk", flat=True)])
    through = Session.facilitators.through
    through.objects.bulk_create(through(session_id=session.pk, user_id=pk) for session in sessions for pk in people)


def _remove_off_pattern(existing, starts):
    stale = existing.filter(
        kind=Session.Kind.REGULAR,
        status=Session.Status.SCHEDULED,
        charted_at__isnull=True,
        starts_at__gt=timezone.now(),
        attendance__isnull=True,
        replacements__isnull=True,
    ).exclude(starts_at__in=starts)
    stale_ids = list(stale.values_list("pk", flat=True))
    Session.facilitators.through.objects.filter(session_id__in=stale_ids).delete()
    Session.objects.filter(pk__in=stale_ids).delete()
    return len(stale_ids)
