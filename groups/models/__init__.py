"""Time: cohorts and their weekly pattern, sessions and closures, enrollment and
attendance, the curriculum, and family calendar links. One module per part."""

from .cohorts import Cohort, CohortQuerySet, default_weekdays
from .curriculum import CohortWeek, SkillModule
from .feeds import FamilyCalendarToken
from .people import Attendance, Enrollment, minutes_attended
from .sessions import Closure, Session, day_span, default_agenda, local_days, local_midnight

__all__ = [
    "Attendance",
    "Closure",
    "Cohort",
    "CohortQuerySet",
    "CohortWeek",
    "Enrollment",
    "FamilyCalendarToken",
    "Session",
    "SkillModule",
    "day_span",
    "default_agenda",
    "default_weekdays",
    "local_days",
    "local_midnight",
    "minutes_attended",
]
