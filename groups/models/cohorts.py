"""Cohorts: a group of clients, the weekly pattern it meets on, and its weekly
family group time."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from iop.models import Role

from ..recurrence import DEFAULT_DURATION, DEFAULT_START, DEFAULT_WEEKDAYS


def default_weekdays():
    return list(DEFAULT_WEEKDAYS)


class CohortQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.is_program_admin:
            return self.all()
        if user.is_clinician:
            return self.worked_by(user)
        if user.is_family:
            return self.filter(
                clients__family_links__family_member=user, clients__family_links__portal_suspended=False
            ).distinct()
        return self.none()

    def worked_by(self, user):
        """Cohorts ``user`` leads or co-facilitates (a subquery, not a join: no duplicates)."""
        co_facilitated = Cohort.co_facilitators.through.objects.filter(user=user).values("cohort_id")
        return self.filter(Q(lead_clinician=user) | Q(pk__in=co_facilitated))


class Cohort(models.Model):
    """A group (e.g. Teens 14-17) that meets on a weekly pattern of evenings."""

    WEEKDAY_NAMES = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    age_min = models.PositiveSmallIntegerField()
    age_max = models.PositiveSmallIntegerField()
    weekdays = models.JSONField(default=default_weekdays, help_text=_("Weekdays the group meets, Monday = 0."))
    start_time = models.TimeField(default=DEFAULT_START)
    duration_minutes = models.PositiveSmallIntegerField(default=int(DEFAULT_DURATION.total_seconds() // 60))
    room = models.CharField(max_length=60)
    capacity = models.PositiveSmallIntegerField(default=10)
    lead_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_cohorts",
        limit_choices_to={"role": Role.CLINICIAN},
    )
    co_facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="cofacilitated_cohorts",
        limit_choices_to={"role": Role.CLINICIAN},
    )
    active_from = models.DateField()
    active_until = models.DateField(null=True, blank=True)
    # Weekly family group: families join the group for part of one evening to learn
    # that week's skill (product.md). Empty weekday means no family group yet.
    family_group_weekday = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Evening of the family group, Monday = 0.")
    )
    family_group_start = models.TimeField(null=True, blank=True)
    family_group_minutes = models.PositiveSmallIntegerField(default=60)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["age_min", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(age_max__gte=models.F("age_min")), name="cohort_age_band_ordered"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="cohort_capacity_positive"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="cohort_duration_positive"),
            models.CheckConstraint(
                condition=Q(family_group_weekday__isnull=True, family_group_start__isnull=True)
                | Q(family_group_weekday__lte=6, family_group_start__isnull=False),
                name="cohort_family_group_day_and_time",
            ),
            models.CheckConstraint(condition=Q(family_group_minutes__gt=0), name="cohort_family_group_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def end_time(self):
        start = datetime.datetime.combine(datetime.date(2000, 1, 3), self.start_time)
        return (start + datetime.timedelta(minutes=self.duration_minutes)).time()

    @property
    def pattern_label(self):
        days = ", ".join(str(self.WEEKDAY_NAMES[d]) for d in sorted(self.weekdays))
        return f"{days} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def has_family_group(self):
        return self.family_group_weekday is not None

    @property
    def family_group_label(self):
        if not self.has_family_group:
            return ""
        start = datetime.datetime.combine(datetime.date(2000, 1, 3), self.family_group_start)
        end = start + datetime.timedelta(minutes=self.family_group_minutes)
        return f"{self.WEEKDAY_NAMES[self.family_group_weekday]} {start:%H:%M}-{end:%H:%M}"

    def family_group_offset(self):
        """Minutes from the start of the evening to the family group (on its weekday)."""
        start = datetime.datetime.combine(datetime.date(2000, 1, 3), self.start_time)
        family = datetime.datetime.combine(datetime.date(2000, 1, 3), self.family_group_start)
        return int((family - start).total_seconds() // 60)

    @property
    def weekly_hours_offered(self):
        return len(self.weekdays) * self.duration_minutes / 60
