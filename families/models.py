"""What families see and how they are reached: the link between a family
member and a client is the only door into a client's released content; the
weekly skill summaries, personal notes and family-group attendance behind it."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinicians.models import Note
from groups.models import CohortWeek, Enrollment, Session
from iop.models import Client, Role

#: How long an invitation link works (it also stops working once used).
INVITATION_LIFETIME = datetime.timedelta(days=7)
#: A personal note is a few sentences for one family, not a report.
PERSONAL_NOTE_MAX_CHARS = 600


class FamilyLinkQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Links a user may see: a family member their own live links; staff the
        links of clients they may see."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_family:
            return self.filter(family_member=user, portal_suspended=False)
        return self.filter(client__in=Client.objects.visible_to(user))

    def live(self):
        return self.filter(portal_suspended=False, family_member__is_active=True)


class FamilyLink(models.Model):
    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        PARENT = "parent", _("Parent")
        STEPPARENT = "stepparent", _("Stepparent")
        GRANDPARENT = "grandparent", _("Grandparent")
        GUARDIAN = "guardian", _("Legal guardian")
        FOSTER = "foster", _("Foster parent")
        OTHER = "other", _("Other caregiver")

    family_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="family_links",
        limit_choices_to={"role": Role.FAMILY},
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="family_links")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    legal_authority = models.BooleanField(default=False, help_text=_("Holds legal authority for the client."))
    # "Do not contact": nothing is sent and the portal is closed, with the reason kept.
    portal_suspended = models.BooleanField(default=False)
    suspended_reason = models.TextField(blank=True)

    objects = FamilyLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["family_member", "client"], name="one_link_per_family_member_and_client"),
            models.CheckConstraint(
                condition=Q(portal_suspended=False) | ~Q(suspended_reason=""), name="suspended_link_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.family_member} ({self.get_relationship_display()}) -> {self.client}"


class FamilyInvitation(models.Model):
    """One invitation email to a family member. Only the newest one's link works
    (``families.invitations`` ties the token to it), for ``INVITATION_LIFETIME``,
    and only until a password is set."""

    family_member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"Invitation to {self.family_member} on {self.sent_at:%Y-%m-%d}"

    @property
    def expires_at(self):
        return self.sent_at + INVITATION_LIFETIME

    @property
    def is_expired(self):
        return timezone.now() > self.expires_at


# --- Weekly skill summaries ----------------------------------------------------------


def enrolled_weeks(clients):
    """A filter on ``cohort_week`` for the weeks each client was enrolled in its cohort."""
    return enrolled_weeks_of(Enrollment.objects.filter(client__in=clients))


def enrolled_weeks_of(enrollments):
    """``enrolled_weeks`` from enrollments already read (all of the clients' enrollments)."""
    spans = Q(pk__in=[])
    for e in enrollments:
        span = Q(cohort_week__cohort_id=e.cohort_id, cohort_week__week_of__gte=_first_week(e))
        if e.ended_on:
            span &= Q(cohort_week__week_of__lte=e.ended_on)
        spans |= span
    return spans


def enrolled_in_week(enrollments, cohort_id, week_of):
    """Whether one of ``enrollments`` covers the cohort-week, by the rule of
    ``enrolled_weeks_of``: from the Monday of the week it started, to the week it ended."""
    return any(
        e.cohort_id == cohort_id and _first_week(e) <= week_of and (e.ended_on is None or week_of <= e.ended_on)
        for e in enrollments
    )


def _first_week(enrollment):
    return enrollment.started_on - datetime.timedelta(days=enrollment.started_on.weekday())


class SkillSummaryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=SkillSummary.Status.PUBLISHED)

    def visible_to(self, user):
        """Clinicians and admins: their cohorts' summaries. Families: published
        summaries of the weeks their own children were in that cohort."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.is_program_admin:
            return self.all()
        if user.is_clinician:
            return self.filter(
                Q(cohort_week__cohort__lead_clinician=user) | Q(cohort_week__cohort__co_facilitators=user)
            ).distinct()
        if user.is_family:
            return self.for_clients(Client.objects.visible_to(user))
        return self.none()

    def for_clients(self, clients):
        return self.published().filter(enrolled_weeks(clients))


class SkillSummary(models.Model):
    """What families are told about one cohort-week's skill: drafted from the
    curriculum module, edited by a clinician of the cohort, then published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    cohort_week = models.OneToOneField(CohortWeek, on_delete=models.PROTECT, related_name="summary")
    skill_title = models.CharField(_("skill"), max_length=80)
    what_it_is_for = models.TextField(_("what it is for"))
    practice_at_home = models.TextField(_("how to practise at home"))
    how_to_help = models.TextField(_("how a parent can help"), help_text=_("One idea per line."))
    conversation_starters = models.TextField(_("conversation starters"), help_text=_("One question per line."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    objects = SkillSummaryQuerySet.as_manager()

    class Meta:
        ordering = ["-cohort_week__week_of", "cohort_week__cohort__age_min"]
        verbose_name_plural = _("skill summaries")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True, published_by__isnull=True)
                | Q(status="published", published_at__isnull=False, published_by__isnull=False),
                name="published_summary_has_publisher_and_time",
            ),
        ]

    def __str__(self):
        return f"{self.cohort_week.cohort}, week of {self.cohort_week.week_of}: {self.skill_title}"

    @property
    def week_of(self):
        return self.cohort_week.week_of

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def help_lines(self):
        return _lines(self.how_to_help)

    @property
    def starter_lines(self):
        return _lines(self.conversation_starters)


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


class PersonalNoteQuerySet(models.QuerySet):
    def released(self):
        return self.filter(released_at__isnull=False)

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_family:
            return self.released().filter(client__in=Client.objects.visible_to(user))
        if user.is_clinician or user.is_superuser:
            return self.filter(client__in=Client.objects.clinical_for(user))
        return self.none()


class PersonalNote(models.Model):
    """A few sentences from a clinician to one client's family about one week.
    Families see it only once it is released, explicitly."""

    summary = models.ForeignKey(SkillSummary, on_delete=models.PROTECT, related_name="personal_notes")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="personal_notes")
    text = models.TextField(max_length=PERSONAL_NOTE_MAX_CHARS)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    objects = PersonalNoteQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["summary", "client"], name="one_personal_note_per_summary_and_client"),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True, released_by__isnull=True)
                | Q(released_at__isnull=False, released_by__isnull=False),
                name="released_note_has_releaser_and_time",
            ),
        ]

    def __str__(self):
        return f"Note for the family of {self.client} ({self.summary.week_of})"

    @property
    def is_released(self):
        return self.released_at is not None


# --- Family group --------------------------------------------------------------------


class FamilyGroupAttendanceQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_family:
            return self.filter(link__in=FamilyLink.objects.visible_to(user))
        return self.filter(session__in=Session.objects.visible_to(user))


class FamilyGroupAttendance(models.Model):
    """Whether a family member came to the weekly family group of their child's
    cohort (one evening a week)."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="family_group_attendance")
    link = models.ForeignKey(FamilyLink, on_delete=models.PROTECT, related_name="family_group_attendance")
    attended = models.BooleanField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    objects = FamilyGroupAttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["session", "link"]
        constraints = [
            models.UniqueConstraint(fields=["session", "link"], name="one_family_group_mark_per_link_and_session"),
        ]

    def __str__(self):
        return f"{self.link.family_member} at family group {self.session}: {'yes' if self.attended else 'no'}"


# --- Family sessions and family check-ins --------------------------------------------


#: The longest a family session or check-in may be (its check constraint).
LONGEST_APPOINTMENT_MINUTES = 240


class FamilyAppointmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff: appointments of clients they may see (admins schedule; the
        appointment holds no clinical content). Families: the appointments of
        their own children they are invited to, through a live link."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_family:
            return self.filter(invited__in=FamilyLink.objects.visible_to(user)).distinct()
        return self.filter(client__in=Client.objects.visible_to(user))

    def booked(self):
        return self.filter(cancelled_at__isnull=True)

    def upcoming(self, now=None):
        return self.booked().filter(starts_at__gte=now or timezone.now())

    def during(self, starts_at, ends_at):
        """The booked appointments overlapping ``starts_at`` to ``ends_at``, oldest first
        (a list: each one's end is worked out from its length)."""
        longest = datetime.timedelta(minutes=LONGEST_APPOINTMENT_MINUTES)
        found = self.booked().filter(starts_at__lt=ends_at, starts_at__gt=starts_at - longest).order_by("starts_at")
        return [a for a in found if a.starts_at + datetime.timedelta(minutes=a.duration_minutes) > starts_at]


class FamilyAppointment(models.Model):
    """A family session or family check-in booked with a clinician. Families see
    when, how and with whom; what was said goes in the clinical note."""

    # The same kinds and modes as the clinical note that records the session.
    class Kind(models.TextChoices):
        FAMILY_SESSION = Note.Kind.FAMILY_SESSION.value, Note.Kind.FAMILY_SESSION.label
        FAMILY_CHECKIN = Note.Kind.FAMILY_CHECKIN.value, Note.Kind.FAMILY_CHECKIN.label

    Mode = Note.Mode

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="family_appointments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FAMILY_SESSION)
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="family_appointments",
        limit_choices_to={"role": Role.CLINICIAN},
    )
    invited = models.ManyToManyField(FamilyLink, related_name="appointments", verbose_name=_("family members invited"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    objects = FamilyAppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=LONGEST_APPOINTMENT_MINUTES),
                name="family_appointment_duration_sensible",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True, cancelled_by__isnull=True)
                | (Q(cancelled_at__isnull=False, cancelled_by__isnull=False) & ~Q(cancel_reason="")),
                name="cancelled_appointment_has_reason_and_author",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.local_start:%Y-%m-%d %H:%M}"

    @property
    def local_start(self):
        return timezone.localtime(self.starts_at)

    @property
    def local_end(self):
        return self.local_start + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None
