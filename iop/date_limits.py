"""The days forms and addresses accept: far enough back for a date of birth, far
enough ahead for any schedule. Outside them a day is a typing slip, and the
arithmetic pages do with it (the week around it, the day after) would run off
the end of Python's calendar."""

import datetime

from django import forms
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


class DayField(forms.DateField):
    """A date field that refuses days outside EARLIEST..LATEST with a plain message."""

    default_validators = [validate_day]
