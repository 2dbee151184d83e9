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
