"""Sessions (one evening of a cohort) and closures (days the clinic does not meet)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..recurrence import DEFAULT_AGENDA
from .cohorts import Cohort


def default_agenda():
    return [{"title": title, "minutes": minutes} for title, minutes in DEFAULT_AGENDA]


class Closure(models.Model):
    """Dates the program does not meet (all cohorts, or one). Sessions it covers
    are cancelled and stay on the calendar as cancelled."""

    class Reason(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WEATHER = "weather", _("Weather")
        OTHER = "other", _("Other")

    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.CharField(max_length=120, blank=True, help_text=_("For staff, e.g. 'Thanksgiving'."))
    cohort = models.ForeignKey(
        Cohort,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closures",
        help_text=_("Leave empty to close every cohort."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="closure_ends_after_start"),
        ]

    def __str__(self):
        scope = self.cohort.name if self.cohort_id else _("all cohorts")
        days = _day(self.starts_on) + (f" to {_day(self.ends_on)}" if self.ends_on != self.starts_on else "")
        return f"{days} ({self.get_reason_display().lower()}, {scope})"


def _day(day):
    """'Thu 25 Nov 2027': with the year, since closures are planned months ahead."""
    return f"{day:%a} {day.day} {day:%b %Y}"


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.is_program_admin:
            return self.all()
        if user.is_clinician:
            # Subqueries rather than joins: no duplicate rows, so no DISTINCT.
            facilitated = Session.facilitators.through.objects.filter(user=user).values("session_id")
            return self.filter(Q(cohort__in=Cohort.objects.worked_by(user).values("pk")) | Q(pk__in=facilitated))
        if user.is_family:
            return self.filter(
                cohort__enrollments__client__family_links__family_member=user,
                cohort__enrollments__client__family_links__portal_suspended=False,
            ).distinct()
        return self.none()

    def scheduled(self):
        return self.filter(status=Session.Status.SCHEDULED)

    def not_made_up(self):
        """Evenings without a make-up still to take place: one that is scheduled, or
        one moved since (its ``moved_to`` is where it takes place now)."""
        scheduled = Session.Status.SCHEDULED
        return self.exclude(replacements__status=scheduled).exclude(replacements__moved_to__status=scheduled)

    def between_days(self, first, last):
        """Sessions starting on clinic-local days first..last (inclusive)."""
        start, end = day_span(first, last)
        return self.filter(starts_at__gte=start, starts_at__lt=end)


def local_midnight(day):
    """The aware start of a clinic-local day (so day ranges follow daylight saving)."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def local_days(sessions):
    """{pk: clinic-local day} of many evenings, the clinic's time zone looked up once
    (it is looked up per call otherwise, and a week calendar asks for 80)."""
    zone = timezone.get_current_timezone()
    return {session.pk: session._clinic_time(session.starts_at, zone).date() for session in sessions}


def day_span(first, last):
    """The instants from the start of clinic-local day ``first`` to the end of ``last``
    (half-open): ``between_days``' bounds, for a query that takes them as values."""
    return local_midnight(first), local_midnight(last + datetime.timedelta(1))


class Session(models.Model):
    """One evening of a cohort."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        MAKE_UP = "make_up", _("Make-up")
        RESCHEDULED = "rescheduled", _("Rescheduled")

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REGULAR)
    room = models.CharField(max_length=60)
    facilitators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_sessions")
    agenda = models.JSONField(default=default_agenda)
    family_group_starts_at = models.DateTimeField(null=True, blank=True)
    family_group_ends_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=120, blank=True)
    closure = models.ForeignKey(Closure, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions")
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacements",
        help_text=_("The cancelled evening this make-up or reschedule stands in for."),
    )
    # An evening moved elsewhere (cancelled by the move): where it takes place now,
    # shown to families as "Moved to ..." in their language. Every day an evening
    # moved more than once was on points to where it is now.
    moved_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # Set by the clinical side once the evening is charted; from then on schedule
    # changes (regeneration, closures) leave the session alone.
    charted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "cohort__age_min"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "starts_at"], name="one_session_per_cohort_and_start"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(
                condition=Q(charted_at__isnull=True) | Q(status="scheduled"), name="charted_session_not_cancelled"
            ),
            models.CheckConstraint(
                condition=Q(status="scheduled") | ~Q(cancel_reason=""), name="cancelled_session_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(kind="rescheduled") | Q(replaces__isnull=False), name="reschedule_names_original"
            ),
            models.CheckConstraint(
                condition=Q(moved_to__isnull=True) | Q(status="cancelled"), name="only_a_cancelled_evening_moved"
            ),
            models.CheckConstraint(
                condition=Q(family_group_starts_at__isnull=True, family_group_ends_at__isnull=True)
                | Q(family_group_ends_at__gt=models.F("family_group_starts_at")),
                name="family_group_start_and_end",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self):
        return f"{self.cohort} {timezone.localtime(self.starts_at):%a %d %b %H:%M}"

    @property
    def local_start(self):
        return self._clinic_time(self.starts_at)

    @property
    def local_end(self):
        return self._clinic_time(self.ends_at)

    def _clinic_time(self, moment, zone=None):
        """``moment`` in the clinic's time zone (``zone``, the current one if not given),
        converted once per evening: the week calendar, rosters and expected counts ask
        for the same evening's day and hours many times. Kept by value, so a changed
        start or end is converted afresh."""
        if moment is None:
            return timezone.localtime(moment)
        zone = zone or timezone.get_current_timezone()
        converted = self.__dict__.setdefault("_clinic_times", {})
        try:
            return converted[moment, zone]
        except KeyError:
            local = converted[moment, zone] = timezone.localtime(moment, zone)
            return local

    @property
    def local_date(self):
        return self.local_start.date()

    @property
    def hours_label(self):
        """Clinic-local start and end, "17:30–20:30" (from the hours and minutes: the
        week calendar shows dozens of these, and strftime or the template's date
        filters cost several times more)."""
        return self.hours_label_in(timezone.get_current_timezone())

    def hours_label_in(self, zone):
        """``hours_label`` in ``zone``, for a page that looks the zone up once for
        many evenings."""
        start, end = self._clinic_time(self.starts_at, zone), self._clinic_time(self.ends_at, zone)
        return f"{start.hour:02d}:{start.minute:02d}\u2013{end.hour:02d}:{end.minute:02d}"

    @property
    def duration_minutes(self):
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_make_up(self):
        return self.kind == self.Kind.MAKE_UP

    @property
    def is_charted(self):
        return self.charted_at is not None

    @property
    def has_family_group(self):
        return self.family_group_starts_at is not None

    @property
    def may_be_moved(self):
        """Still to come, scheduled and not charted (``changes.reschedule`` checks it again)."""
        return not self.is_cancelled and not self.is_charted and self.starts_at > timezone.now()

    def mark_charted(self, at=None):
        """For the clinical side: the evening is charted; schedule changes no longer touch it."""
        self.charted_at = at or timezone.now()
        self.save(update_fields=["charted_at"])
