"""English date and time formats of the clinic: 24-hour times and day-month-year
dates, as the pages' own formats write them ("Thu 3 Dec 2026, 19:30"), so a
signature line reads like the timeline beside it. Only the display formats are
set; what forms accept stays Django's."""

DATE_FORMAT = "D j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "D j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
