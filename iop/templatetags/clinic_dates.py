"""``{{ moment|day_and_time }}``: "Mon 7 Dec 2026, 17:30", the clinic's usual way
of dating a record, in the clinic's time zone and the page's language.

The same text as ``date:"D j M Y, H:i"``, written from the day's parts: the
``date`` filter interprets its format letter by letter (some 40 µs), and a
chart's timeline or an access history dates every row."""

import datetime

from django import template
from django.template.defaultfilters import date
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

register = template.Library()

DAY_AND_TIME = "D j M Y, H:i"


@register.filter(expects_localtime=True)
def day_and_time(value):
    if not isinstance(value, datetime.datetime):
        return date(value, DAY_AND_TIME)  # "" for nothing; a day alone refused as by the filter
    day = f"{WEEKDAYS_ABBR[value.weekday()]} {value.day} {MONTHS_3[value.month].title()} {value.year:04d}"
    return f"{day}, {value.hour:02d}:{value.minute:02d}"
