"""Who is in which cohort when (enrollment), and who came to each evening (attendance)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from iop.models import Client

from .cohorts import Cohort
from .sessions import Session


class ClientDataQuerySet(models.QuerySet):
    """Rows about one client: visible exactly when the client is."""

    def visible_to(self, user):
        return self.filter(client__in=Client.objects.visible_to(user))


class Enrollment(models.Model):
    """A client's membership of a cohort from one day to another (inclusive). An open
    enrollment (no end) is the client's current cohort; ``groups.enrollment`` keeps
    ``Client.cohort`` in step with it."""

    class EndReason(models.TextChoices):
        TRANSFER = "transfer", _("Transferred")
        DISCHARGE = "discharge", _("Discharged")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="enrollments")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrollments")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=10, choices=EndReason.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ClientDataQuerySet.as_manager()

    class Meta:
        ordering = ["client", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=Q(ended_on__isnull=True), name="one_open_enrollment_per_client"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="enrollment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="") | Q(ended_on__isnull=False) & ~Q(end_reason=""),
                name="enrollment_end_has_reason",
            ),
        ]

    def __str__(self):
        until = f" until {self.ended_on}" if self.ended_on else ""
        return f"{self.client} in {self.cohort} from {self.started_on}{until}"

    def covers(self, day):
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


class Attendance(models.Model):
    """How one enrolled client attended one session. Minutes attended follow from
    the status and the minutes late or left early; they are never typed."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        LEFT_EARLY = "left_early", _("Left early")
        EXCUSED = "excused", _("Excused absence")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendance")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)
    late_minutes = models.PositiveSmallIntegerField(default=0)
    left_early_minutes = models.PositiveSmallIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    objects = ClientDataQuerySet.as_manager()

    class Meta:
        ordering = ["session", "client"]
        constraints = [
            models.UniqueConstraint(fields=["session", "client"], name="one_attendance_per_client_and_session"),
            # Late says how late; left early says how early. Someone who came late and
            # also left early is marked by either, with both minutes (both come off their hours).
            models.CheckConstraint(
                condition=Q(status="late", late_minutes__gt=0)
                | Q(status="left_early")
                | ~Q(status__in=["late", "left_early"]) & Q(late_minutes=0),
                name="late_minutes_with_a_partial_evening",
            ),
            models.CheckConstraint(
                condition=Q(status="left_early", left_early_minutes__gt=0)
                | Q(status="late")
                | ~Q(status__in=["late", "left_early"]) & Q(left_early_minutes=0),
                name="left_early_minutes_with_a_partial_evening",
            ),
        ]

    def __str__(self):
        return f"{self.client} at {self.session}: {self.get_status_display()}"

    @property
    def minutes_attended(self):
        return minutes_attended(self.status, self.session.duration_minutes, self.late_minutes, self.left_early_minutes)


def minutes_attended(status, session_minutes, late_minutes=0, left_early_minutes=0):
    """Minutes in the room for one evening of ``session_minutes``."""
    if status in (Attendance.Status.EXCUSED, Attendance.Status.ABSENT):
        return 0
    return max(0, session_minutes - late_minutes - left_early_minutes)
