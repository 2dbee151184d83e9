"""Notes written outside the group evening: individual check-ins, family
sessions and family check-ins, and medication-management notes. A signed note
is corrected only by addenda from its author; the original stays readable."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iop.models import choice_label

from .signing import ClinicalQuerySet, Signable, SignedRecordLocked


class Note(Signable):
    class Kind(models.TextChoices):
        INDIVIDUAL_CHECKIN = "individual_checkin", _("Individual check-in")
        FAMILY_SESSION = "family_session", _("Family session")
        FAMILY_CHECKIN = "family_checkin", _("Family check-in")
        MEDICATION = "medication", _("Medication management")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video")

    FAMILY_KINDS = (Kind.FAMILY_SESSION, Kind.FAMILY_CHECKIN)

    client = models.ForeignKey("iop.Client", on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # When it happened: families may later see the time of a family session, never the note.
    occurred_at = models.DateTimeField(_("date and time"), default=timezone.now)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    participants = models.CharField(
        max_length=300, blank=True, help_text=_("Who took part, e.g. client, mother, stepfather.")
    )
    content = models.TextField()
    # May wait in a draft (a clinician interrupted at 20:30 parks what happened);
    # needed before signing (see ``missing_before_signing``).
    plan = models.TextField(_("plan"), blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["client", "-occurred_at"]), models.Index(fields=["author", "signed_at"])]
        constraints = [
            Signable.signature_constraint("note"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=600), name="note_duration_sensible"
            ),
            models.CheckConstraint(condition=~Q(content=""), name="note_has_content"),
            models.CheckConstraint(
                condition=~Q(kind__in=["family_session", "family_checkin"]) | ~Q(participants=""),
                name="family_note_names_participants",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M}"

    def get_kind_display(self):
        return choice_label(self.Kind, self.kind)

    def missing_before_signing(self):
        """What a draft still needs before it may be signed (labels), or nothing."""
        return [] if self.plan.strip() else [_("plan")]

    #: Timelines list notes next to group entries (``IndividualEntry.is_group_entry``).
    is_group_entry = False

    @property
    def is_family_note(self):
        return self.kind in self.FAMILY_KINDS

    def clean(self):
        super().clean()
        if self.kind == self.Kind.MEDICATION and self.author_id and not self.author.is_prescriber:
            raise ValidationError(_("Only prescribers write medication-management notes."))
        if self.is_family_note and not self.participants.strip():
            raise ValidationError({"participants": _("Say who took part in the family session.")})

    def add_addendum(self, user, text):
        """A dated correction by the note's author; the signed original is untouched."""
        if not self.is_signed:
            raise ValidationError(_("Edit the draft instead: addenda are for signed notes."))
        if user.pk != self.author_id:
            raise PermissionError("Only the author of a note may add an addendum to it.")
        return Addendum.objects.create(note=self, author=user, text=text)


class AddendumQuerySet(ClinicalQuerySet):
    client_path = "note__client"


class Addendum(models.Model):
    """A correction or later information on a signed note. Addenda are never edited."""

    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now, editable=False)
    text = models.TextField()

    objects = AddendumQuerySet.as_manager()

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name_plural = _("addenda")
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="addendum_has_text")]

    def __str__(self):
        return f"Addendum {timezone.localtime(self.written_at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise SignedRecordLocked(_("Addenda cannot be changed; write another one."))
        super().save(*args, **kwargs)


class Medication(models.Model):
    """One medication on the client's list, started (and perhaps stopped) by a prescriber."""

    client = models.ForeignKey("iop.Client", on_delete=models.PROTECT, related_name="medications")
    name = models.CharField(max_length=120)
    dose = models.CharField(max_length=120, help_text=_("Strength, route and schedule, e.g. 50 mg by mouth daily."))
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", limit_choices_to={"role": "clinician"}
    )
    started_on = models.DateField()
    stopped_on = models.DateField(null=True, blank=True)
    stop_reason = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ClinicalQuerySet.as_manager()

    class Meta:
        ordering = [models.F("stopped_on").asc(nulls_first=True), "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=models.F("started_on")),
                name="medication_stops_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.dose}"

    def clean(self):
        super().clean()
        if self.stopped_on and self.started_on and self.stopped_on < self.started_on:
            raise ValidationError({"stopped_on": _("A medication cannot stop before it started.")})

    @property
    def is_current(self):
        return self.stopped_on is None or self.stopped_on > timezone.localdate()
