"""Tonight's group in the chart: one shared group note per evening, an individual
entry per attendee, and addenda to either once signed. The shared part is copied
into every attendee's chart, so it never names a client (group_charting.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iop.models import Client

from .signing import Signable, SignableQuerySet, SignedRecordLocked


def _works_in_session_cohort(user, path="session"):
    return (
        Q(**{f"{path}__cohort__lead_clinician": user})
        | Q(**{f"{path}__cohort__co_facilitators": user})
        | Q(**{f"{path}__facilitators": user})
    )


class GroupNoteQuerySet(SignableQuerySet):
    def visible_to(self, user):
        """The clinicians of the evening's cohort, and clinicians who may read the
        chart of one of its attendees (a grant); never program admins or families."""
        if not user.is_authenticated or not (user.is_clinician or user.is_superuser) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        reachable = GroupNote.objects.filter(
            _works_in_session_cohort(user) | Q(session__entries__client__in=Client.objects.clinical_for(user))
        )
        return self.filter(pk__in=reachable.values("pk"))


class GroupNote(Signable):
    """The shared part of one evening's note: what the group did, in words that
    fit every attendee's chart."""

    session = models.OneToOneField("groups.Session", on_delete=models.PROTECT, related_name="group_note")
    skill = models.CharField(_("skill of the week"), max_length=120)
    activities = models.TextField(_("activities"), blank=True, help_text=_("What the group did tonight."))
    themes = models.TextField(_("themes"), blank=True, help_text=_("Themes that came up, without names."))

    objects = GroupNoteQuerySet.as_manager()

    #: The shared text fields the name guard reads.
    SHARED_FIELDS = ("skill", "activities", "themes")

    class Meta:
        ordering = ["-session__starts_at"]
        indexes = [models.Index(fields=["author", "signed_at"])]
        constraints = [
            Signable.signature_constraint("group_note"),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | (~Q(skill="") & ~Q(activities="") & ~Q(themes="")),
                name="signed_group_note_complete",
            ),
        ]

    def __str__(self):
        return f"Group note {self.session_id}"

    def missing_before_signing(self):
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.SHARED_FIELDS
            if not getattr(self, name).strip()
        ]

    def clean(self):
        super().clean()
        from clinicians.group_charting import names_in_shared_text

        errors = names_in_shared_text(self)
        if errors:
            raise ValidationError(errors)


class IndividualEntry(Signable):
    """One attendee's part of the evening's note, tied to their treatment plan."""

    class Participation(models.TextChoices):
        ACTIVE = "active", _("Active, contributed unprompted")
        PROMPTED = "prompted", _("Engaged when prompted")
        MINIMAL = "minimal", _("Minimal participation")
        WITHDRAWN = "withdrawn", _("Withdrawn or did not engage")
        DISRUPTIVE = "disruptive", _("Disruptive")

    class Risk(models.TextChoices):
        NONE = "none", _("No risk observed")
        OBSERVED = "observed", _("Risk observed (describe it)")

    session = models.ForeignKey("groups.Session", on_delete=models.PROTECT, related_name="entries")
    client = models.ForeignKey("iop.Client", on_delete=models.PROTECT, related_name="group_entries")
    participation = models.CharField(_("participation"), max_length=12, choices=Participation.choices, blank=True)
    mood_affect = models.CharField(_("mood / affect"), max_length=200, blank=True)
    progress = models.TextField(_("progress toward their plan"), blank=True)
    risk = models.CharField(_("risk observed"), max_length=10, choices=Risk.choices, blank=True)
    risk_details = models.TextField(_("risk: what was seen and done"), blank=True)
    plan = models.TextField(_("plan"), blank=True)

    # Visible exactly when the client's clinical record is (ClinicalQuerySet).
    objects = SignableQuerySet.as_manager()

    REQUIRED_FIELDS = ("participation", "mood_affect", "progress", "risk", "plan")

    class Meta:
        ordering = ["session", "client"]
        verbose_name_plural = _("individual entries")
        indexes = [models.Index(fields=["author", "signed_at"])]
        constraints = [
            models.UniqueConstraint(fields=["session", "client"], name="one_group_entry_per_client_and_session"),
            Signable.signature_constraint("group_entry"),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True)
                | (
                    ~Q(participation="")
                    & ~Q(mood_affect="")
                    & ~Q(progress="")
                    & ~Q(plan="")
                    & (Q(risk="none") | Q(risk="observed") & ~Q(risk_details=""))
                ),
                name="signed_group_entry_complete",
            ),
        ]

    def __str__(self):
        return f"Group entry {self.session_id}/{self.client_id}"

    @property
    def occurred_at(self):
        return self.session.starts_at

    @property
    def is_group_entry(self):
        return True

    @property
    def risk_summary(self):
        """The risk line of a written entry: what was observed, or "No risk observed"
        (the choice's label "Risk observed (describe it)" is a prompt for the form)."""
        if self.risk == self.Risk.OBSERVED:
            return self.risk_details
        return self.get_risk_display()

    def missing_before_signing(self):
        missing = [
            str(self._meta.get_field(name).verbose_name)
            for name in self.REQUIRED_FIELDS
            if not getattr(self, name).strip()
        ]
        if self.risk == self.Risk.OBSERVED and not self.risk_details.strip():
            missing.append(str(self._meta.get_field("risk_details").verbose_name))
        return missing

    @property
    def is_complete(self):
        return not self.missing_before_signing()


class GroupAddendumQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(
            Q(group_note__in=GroupNote.objects.visible_to(user)) | Q(entry__in=IndividualEntry.objects.visible_to(user))
        )


class GroupAddendum(models.Model):
    """A dated correction to a signed group note or individual entry, by its author.
    The signed original stays as it was; addenda are never edited."""

    group_note = models.ForeignKey(GroupNote, null=True, blank=True, on_delete=models.PROTECT, related_name="addenda")
    entry = models.ForeignKey(IndividualEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now, editable=False)
    text = models.TextField()

    objects = GroupAddendumQuerySet.as_manager()

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name_plural = _("group addenda")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="group_addendum_has_text"),
            models.CheckConstraint(
                condition=Q(group_note__isnull=False, entry__isnull=True)
                | Q(group_note__isnull=True, entry__isnull=False),
                name="group_addendum_to_one_record",
            ),
        ]

    def __str__(self):
        return f"Addendum {timezone.localtime(self.written_at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise SignedRecordLocked(_("Addenda cannot be changed; write another one."))
        super().save(*args, **kwargs)

    @property
    def record(self):
        return self.group_note or self.entry


def add_group_addendum(record, user, text):
    """A dated correction by the record's author; the signed original is untouched."""
    if not record.is_signed:
        raise ValidationError(_("Edit the draft instead: addenda are for signed notes."))
    if user.pk != record.author_id:
        raise PermissionError("Only the author may add an addendum.")
    field = "group_note" if isinstance(record, GroupNote) else "entry"
    return GroupAddendum.objects.create(**{field: record}, author=user, text=text)
