"""The weekly pattern as clock times: which evenings a cohort meets, start and end.

Pure functions with no Django imports, so schedule generation is tested on its own.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, WEEKLY, rrule

# The program's default pattern (product.md): four evenings a week, three hours a night.
DEFAULT_WEEKDAYS = (0, 1, 2, 3)  # Monday to Thursday; Monday is 0 as in date.weekday()
DEFAULT_START = time(17, 30)
DEFAULT_DURATION = timedelta(hours=3)

# One evening, in order. A tuple so no caller can edit the shared default in place;
# copy it into a session's own agenda to change it.
DEFAULT_AGENDA = (
    ("Check-in", 20),
    ("Skills lesson", 50),
    ("Break / social activity", 20),
    ("Process group", 60),
    ("Wrap-up and home practice", 30),
)


def evenings(
    weekdays: Iterable[int],
    start_time: time,
    duration: timedelta,
    tz: ZoneInfo | str,
    first: date,
    last: date,
) -> list[tuple[datetime, datetime]]:
    """Return (start, end) for each day in [first, last] whose weekday is in `weekdays`.

    Dates are enumerated naive and only then given the clinic's zone, so the wall-clock
    start is the same on both sides of a daylight-saving change; the UTC offset moves.
    """
    days = sorted(set(weekdays))
    if any(not 0 <= d <= 6 for d in days):
        raise ValueError(f"weekdays must be 0 (Monday) to 6 (Sunday), got {days}")
    if start_time.tzinfo is not None:
        raise ValueError("start_time must be a naive local time; the zone comes from tz")
    # rrule reads an empty byweekday as "every day": no weekdays must mean no evenings.
    if not days or first > last:
        return []
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz

    return [
        span_on(day.date(), start_time, duration, zone)
        for day in rrule(DAILY, dtstart=_midnight(first), until=_midnight(last), byweekday=days)
    ]


def span_on(day: date, start_time: time, duration: timedelta, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """(start, end) of something starting at the wall-clock ``start_time`` on ``day`` in ``zone``."""
    # fold=0 on purpose. An ambiguous time (clocks go back) takes its first
    # occurrence, the one a person watching the clock reaches first. A time that
    # does not exist (clocks go forward) is read with the offset in force before
    # the jump; the UTC round trip below then shows it as the real wall time one
    # hour later (02:30 becomes 03:30), never as a time no clock showed.
    local = datetime.combine(day, start_time.replace(fold=0), tzinfo=zone)
    start = local.astimezone(UTC).astimezone(zone)
    # Add the duration in UTC: aware arithmetic in one zone is wall-clock arithmetic
    # and would stretch or shrink an evening that spans a change.
    end = (start.astimezone(UTC) + duration).astimezone(zone)
    return start, end


def week_start(d: date) -> date:
    """The Monday of the week holding `d` (weeks run Monday to Sunday)."""
    return d - timedelta(days=d.weekday())


def weeks_between(first: date, last: date) -> list[date]:
    """Mondays of the weeks that overlap [first, last], in order; empty if reversed."""
    if first > last:
        return []
    mondays = rrule(WEEKLY, dtstart=_midnight(week_start(first)), until=_midnight(week_start(last)))
    return [monday.date() for monday in mondays]


def _midnight(d: date) -> datetime:
    # rrule works on datetimes; naive midnight keeps enumeration free of any zone.
    return datetime.combine(d, time())
