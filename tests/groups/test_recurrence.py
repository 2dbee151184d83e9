"""The weekly pattern turned into clock times, and the curriculum it is paired with."""

from dataclasses import FrozenInstanceError, fields
from datetime import UTC, date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from groups.curriculum_data import CURRICULUM, MODALITIES
from groups.recurrence import (
    DEFAULT_AGENDA,
    DEFAULT_DURATION,
    DEFAULT_START,
    DEFAULT_WEEKDAYS,
    evenings,
    week_start,
    weeks_between,
)

NEW_YORK = ZoneInfo("America/New_York")
EST = timedelta(hours=-5)
EDT = timedelta(hours=-4)


def default_evenings(first, last, tz=NEW_YORK):
    return evenings(DEFAULT_WEEKDAYS, DEFAULT_START, DEFAULT_DURATION, tz, first, last)


def elapsed(start, end):
    # Subtracting aware datetimes sharing a tzinfo ignores their offsets: go via UTC.
    return end.astimezone(UTC) - start.astimezone(UTC)


@pytest.mark.parametrize(
    ("first", "last", "before", "after", "change"),
    [
        # Spring forward on Sunday 2026-03-08, fall back on Sunday 2026-11-01.
        (date(2026, 3, 2), date(2026, 3, 12), EST, EDT, date(2026, 3, 8)),
        (date(2026, 10, 26), date(2026, 11, 5), EDT, EST, date(2026, 11, 1)),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_group_stays_at_1730_local_across_daylight_saving_change(first, last, before, after, change):
    pairs = default_evenings(first, last)

    assert len(pairs) == 8
    for start, end in pairs:
        assert start.tzinfo == NEW_YORK
        assert (start.hour, start.minute) == (17, 30)
        assert (end.hour, end.minute) == (20, 30)
        assert elapsed(start, end) == timedelta(hours=3)
        assert start.utcoffset() == (before if start.date() < change else after)
    offsets = {start.utcoffset() for start, _ in pairs}
    assert offsets == {before, after}


def test_utc_time_of_the_group_moves_by_an_hour_at_spring_forward():
    pairs = default_evenings(date(2026, 3, 5), date(2026, 3, 9))

    assert [start.astimezone(UTC).time() for start, _ in pairs] == [
        time(22, 30),
        time(21, 30),
    ]


def test_time_zone_may_be_given_by_name():
    first, last = date(2026, 3, 2), date(2026, 3, 12)

    assert default_evenings(first, last, tz="America/New_York") == default_evenings(first, last)


def test_counts_every_mon_to_thu_evening_in_march_2026():
    # March 2026 starts on a Sunday: five Mondays and Tuesdays, four Wednesdays and
    # Thursdays.
    assert len(default_evenings(date(2026, 3, 1), date(2026, 3, 31))) == 18


def test_range_includes_both_first_and_last_day():
    monday, thursday = date(2026, 3, 2), date(2026, 3, 5)

    pairs = default_evenings(monday, thursday)

    assert [start.date() for start, _ in pairs] == [
        monday,
        date(2026, 3, 3),
        date(2026, 3, 4),
        thursday,
    ]
    assert len(default_evenings(monday, monday)) == 1


def test_default_pattern_offers_twelve_hours_a_week():
    pairs = default_evenings(date(2026, 3, 2), date(2026, 3, 8))

    assert sum((elapsed(s, e) for s, e in pairs), timedelta()) == timedelta(hours=12)


def test_reversed_range_gives_no_evenings():
    assert default_evenings(date(2026, 3, 12), date(2026, 3, 2)) == []


def test_range_with_no_meeting_day_gives_no_evenings():
    friday, sunday = date(2026, 3, 6), date(2026, 3, 8)

    assert default_evenings(friday, sunday) == []


def test_no_weekdays_gives_no_evenings():
    first, last = date(2026, 3, 2), date(2026, 3, 12)

    assert evenings((), DEFAULT_START, DEFAULT_DURATION, NEW_YORK, first, last) == []


def test_only_the_chosen_weekdays_are_scheduled():
    first, last = date(2026, 3, 2), date(2026, 3, 15)

    pairs = evenings([2, 0, 0], DEFAULT_START, DEFAULT_DURATION, NEW_YORK, first, last)

    assert [start.date() for start, _ in pairs] == [
        date(2026, 3, 2),
        date(2026, 3, 4),
        date(2026, 3, 9),
        date(2026, 3, 11),
    ]


def test_weekday_outside_monday_to_sunday_is_refused():
    with pytest.raises(ValueError):
        evenings(
            [7],
            DEFAULT_START,
            DEFAULT_DURATION,
            NEW_YORK,
            date(2026, 3, 2),
            date(2026, 3, 8),
        )


def test_start_time_carrying_a_zone_is_refused():
    aware = time(17, 30, tzinfo=UTC)

    with pytest.raises(ValueError):
        evenings([0], aware, DEFAULT_DURATION, NEW_YORK, date(2026, 3, 2), date(2026, 3, 8))


def test_start_in_the_spring_forward_gap_moves_to_the_real_wall_time():
    sunday = date(2026, 3, 8)

    [(start, _)] = evenings([6], time(2, 30), DEFAULT_DURATION, NEW_YORK, sunday, sunday)

    assert start.time() == time(3, 30)
    assert start.utcoffset() == EDT


def test_ambiguous_start_at_fall_back_takes_the_first_occurrence():
    sunday = date(2026, 11, 1)

    [(start, _)] = evenings([6], time(1, 30), DEFAULT_DURATION, NEW_YORK, sunday, sunday)

    assert start.time() == time(1, 30)
    assert start.utcoffset() == EDT


def test_duration_is_elapsed_time_when_the_evening_spans_a_change():
    sunday = date(2026, 3, 8)

    [(start, end)] = evenings([6], time(1, 0), DEFAULT_DURATION, NEW_YORK, sunday, sunday)

    assert elapsed(start, end) == timedelta(hours=3)
    assert end.time() == time(5, 0)


def test_week_starts_on_monday():
    assert week_start(date(2026, 3, 8)) == date(2026, 3, 2)  # Sunday
    assert week_start(date(2026, 3, 4)) == date(2026, 3, 2)  # Wednesday
    assert week_start(date(2026, 3, 2)) == date(2026, 3, 2)  # Monday itself


def test_weeks_between_lists_the_monday_of_every_week_touched():
    assert weeks_between(date(2026, 3, 4), date(2026, 3, 16)) == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
    ]
    assert weeks_between(date(2026, 3, 3), date(2026, 3, 5)) == [date(2026, 3, 2)]


def test_weeks_between_crosses_a_year_end():
    assert weeks_between(date(2026, 12, 31), date(2027, 1, 5)) == [
        date(2026, 12, 28),
        date(2027, 1, 4),
    ]


def test_weeks_between_reversed_range_is_empty():
    assert weeks_between(date(2026, 3, 16), date(2026, 3, 4)) == []


def test_default_agenda_fills_the_three_hour_evening_in_order():
    titles = [title for title, _ in DEFAULT_AGENDA]

    assert sum(minutes for _, minutes in DEFAULT_AGENDA) == 180
    assert timedelta(minutes=180) == DEFAULT_DURATION
    assert titles[0] == "Check-in"
    assert titles[-1] == "Wrap-up and home practice"
    assert all(minutes > 0 for _, minutes in DEFAULT_AGENDA)


def test_curriculum_has_one_complete_module_for_each_of_twelve_weeks():
    assert [module.week for module in CURRICULUM] == list(range(1, 13))

    for module in CURRICULUM:
        assert module.modality in MODALITIES
        for field in fields(module):
            value = getattr(module, field.name)
            assert value, (module.week, field.name)
            if isinstance(value, tuple):
                assert all(isinstance(item, str) and item.strip() for item in value)
            elif isinstance(value, str):
                assert value.strip(), (module.week, field.name)
        assert 2 <= len(module.conversation_starters) <= 3


def test_curriculum_modules_cannot_be_edited_in_place():
    with pytest.raises(FrozenInstanceError):
        CURRICULUM[0].title = "Changed"


def test_family_tips_mention_no_scores_or_diagnoses():
    clinical_words = ("phq", "score", "diagnos", "depress", "disorder", "suicid")

    for module in CURRICULUM:
        text = " ".join(module.family_tips + module.conversation_starters).lower()
        assert not [w for w in clinical_words if w in text], module.week
