"""The days forms accept: far enough back for a date of birth, far enough ahead
for any schedule. Outside them a day is a typing slip (a note dated in year 1, a
discharge in 9999), and the arithmetic pages do with it (the week around it, the
day after) would run off the end of Python's calendar.

Every date and date-time form field of the project checks it: ``apply`` adds the
check to Django's DateField and DateTimeField once, at start-up (iop.apps), so no
form, model form or admin page can forget it."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2099, 12, 31)


def within(day):
    return day is not None and EARLIEST <= day <= LATEST


def validate_day(day):
    if isinstance(day, datetime.datetime):
        day = day.date()
    if day is not None and not within(day):
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": EARLIEST.year, "last": LATEST.year},
        )


def apply():
    """Make every form DateField and DateTimeField refuse days outside EARLIEST..LATEST."""
    from django import forms

    for field in (forms.DateField, forms.DateTimeField):
        if validate_day not in field.default_validators:
            field.default_validators = [*field.default_validators, validate_day]


# --- The clinic's hours -----------------------------------------------------------

#: Group evenings, make-ups and family appointments fall within these clinic-local
#: hours: a move to 23:00 or a family session at 03:00 is a typing slip, and
#: families would be texted about it at once.
OPENS = datetime.time(7, 0)
CLOSES = datetime.time(22, 0)


def check_clinic_hours(starts_at, minutes):
    """Refuse a clinic-local ``starts_at`` lasting ``minutes`` that starts before
    OPENS, or ends after CLOSES or on another day."""
    from django.utils import timezone

    start = timezone.localtime(starts_at)
    end = timezone.localtime(starts_at + datetime.timedelta(minutes=minutes))
    if start.time() < OPENS or end.date() != start.date() or end.time() > CLOSES:
        raise ValidationError(
            _("The clinic schedules between %(opens)s and %(closes)s; this would run %(start)s–%(end)s."),
            code="outside_clinic_hours",
            params={
                "opens": OPENS.strftime("%H:%M"),
                "closes": CLOSES.strftime("%H:%M"),
                "start": start.strftime("%H:%M"),
                "end": end.strftime("%H:%M"),
            },
        )
