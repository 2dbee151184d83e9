"""Discharge: why the episode ended, where the client stood, and the
aftercare plan with a follow-up appointment soon after (product.md)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .signing import ClinicalQuerySet


class DischargeQuerySet(ClinicalQuerySet):
    def of_episode(self, client):
        """The discharge ending ``client``'s current (or last) episode, or None: a
        client readmitted later starts an episode that has none yet."""
        found = self.filter(client=client)
        if client.admitted_on:
            found = found.filter(discharged_on__gte=client.admitted_on)
        return found.order_by("-discharged_on", "-pk").first()


#: The first aftercare appointment is within this many days of discharge
#: (product.md; the HEDIS follow-up-after-hospitalization measure uses 7 days).
FOLLOW_UP_WITHIN_DAYS = 7


class Discharge(models.Model):
    class Reason(models.TextChoices):
        COMPLETED = "completed", _("Completed the program")
        STEP_UP = "step_up", _("Needs a higher level of care")
        STEP_DOWN = "step_down", _("Stepped down early")
        FAMILY_WITHDREW = "family_withdrew", _("Family withdrew")
        NON_ATTENDANCE = "non_attendance", _("Stopped attending")
        OTHER = "other", _("Other")

    # One per episode: a client readmitted after a discharge is discharged again.
    client = models.ForeignKey("iop.Client", on_delete=models.PROTECT, related_name="discharges")
    discharged_on = models.DateField(default=timezone.localdate)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reason_detail = models.TextField(blank=True)
    last_phq_total = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, help_text=_("The last PHQ-9/PHQ-A total at discharge, if any.")
    )
    objectives_summary = models.TextField(_("objectives met"), help_text=_("Which objectives were met, and which not."))
    status_summary = models.TextField(_("status at discharge"))
    aftercare_plan = models.TextField()
    follow_up_with = models.CharField(_("follow-up with"), max_length=200)
    follow_up_on = models.DateField(_("follow-up date"))
    follow_up_time = models.TimeField(_("follow-up time"))
    follow_up_where = models.CharField(_("follow-up where"), max_length=200)
    referrals = models.TextField(blank=True)
    safety_plan_handed_over = models.BooleanField(_("safety plan handed over to client and family"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DischargeQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__gte=models.F("discharged_on")), name="follow_up_not_before_discharge"
            ),
            models.CheckConstraint(condition=~Q(aftercare_plan=""), name="discharge_has_aftercare_plan"),
        ]

    def __str__(self):
        return f"Discharge on {self.discharged_on}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A discharge is recorded once; add a note for anything later."))
        super().save(*args, **kwargs)

    @property
    def follow_up_deadline(self):
        return self.discharged_on + datetime.timedelta(days=FOLLOW_UP_WITHIN_DAYS)

    def clean(self):
        super().clean()
        if self.follow_up_on and self.discharged_on:
            if not self.discharged_on <= self.follow_up_on <= self.follow_up_deadline:
                raise ValidationError(
                    {
                        "follow_up_on": _("The follow-up appointment must be within %(days)d days of discharge.")
                        % {"days": FOLLOW_UP_WITHIN_DAYS}
                    }
                )
        if self.client_id and self.client.admitted_on and self.discharged_on:
            if self.discharged_on < self.client.admitted_on:
                raise ValidationError({"discharged_on": _("Discharge cannot be before admission.")})
