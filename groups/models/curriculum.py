"""The program's skills curriculum and the skill each cohort works on each week."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .cohorts import Cohort


class SkillModule(models.Model):
    """One week's skill in the program's curriculum, in teaching order."""

    position = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=80, unique=True)
    modality = models.CharField(max_length=20, help_text=_("e.g. DBT, CBT, ACT, Mindfulness"))
    teaches = models.TextField(help_text=_("What the skill teaches."))
    activities = models.JSONField(default=list, help_text=_("In-group activities."))
    home_practice = models.TextField()
    family_tips = models.JSONField(default=list, help_text=_("How families can help at home."))
    conversation_starters = models.JSONField(default=list, help_text=_("Questions families can ask at home."))

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return f"{self.position}. {self.title} ({self.modality})"


class CohortWeek(models.Model):
    """The skill a cohort works on in the week starting ``week_of`` (a Monday).
    Filled by rotation through the curriculum; a clinician may override it."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="weeks")
    week_of = models.DateField(help_text=_("The Monday the week starts."))
    skill = models.ForeignKey(SkillModule, on_delete=models.PROTECT, related_name="cohort_weeks")
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "week_of"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "week_of"], name="one_skill_per_cohort_week"),
            models.CheckConstraint(
                condition=Q(overridden_by__isnull=True, overridden_at__isnull=True)
                | Q(overridden_by__isnull=False, overridden_at__isnull=False),
                name="override_has_author_and_time",
            ),
        ]

    def __str__(self):
        return f"{self.cohort}, week of {self.week_of}: {self.skill.title}"

    @property
    def is_override(self):
        return self.overridden_by_id is not None
