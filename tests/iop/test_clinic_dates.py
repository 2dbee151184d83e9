"""``day_and_time`` writes what ``date:"D j M Y, H:i"`` writes: every weekday and
month, both languages, the clinic's time zone across the clock changes, and
nothing or a day alone (refused, as by the date filter)."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

BOTH = Template('{% load clinic_dates %}{{ v|day_and_time }}|{{ v|date:"D j M Y, H:i" }}')


def _both(value):
    ours, djangos = BOTH.render(Context({"v": value})).split("|")
    return ours, djangos


@pytest.mark.parametrize("language", ["en", "es"])
def test_same_text_as_the_date_filter_through_a_year(language):
    start = datetime.datetime(2026, 1, 1, 0, 7, tzinfo=datetime.UTC)
    with translation.override(language):
        for hours in range(0, 366 * 24, 37):  # every weekday, month and hour of the day
            ours, djangos = _both(start + datetime.timedelta(hours=hours))
            assert ours == djangos


def test_clinic_time_across_the_clock_changes():
    # 2026-03-08 and 2026-11-01, 06:30 UTC: 01:30 local, either side of the change.
    for moment in ("2026-03-08T06:30:00+00:00", "2026-03-08T07:30:00+00:00", "2026-11-01T05:30:00+00:00"):
        ours, djangos = _both(datetime.datetime.fromisoformat(moment))
        assert ours == djangos


def test_nothing_and_a_day_alone():
    assert _both(None) == ("", "")
    assert _both("") == ("", "")
    # A day has no time of day: refused, as the date filter refuses it.
    for library_filter in ("day_and_time", 'date:"D j M Y, H:i"'):
        with pytest.raises(TypeError):
            Template("{% load clinic_dates %}{{ v|" + library_filter + " }}").render(
                Context({"v": datetime.date(2026, 12, 7)})
            )
