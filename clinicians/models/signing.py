"""Signing: the one rule every signed clinical record obeys. A draft may be
edited by its author; once signed it is locked (the model refuses to save or
delete it). Corrections to a signed note are addenda (see notes.py); a signed
plan or safety plan is corrected by a new version."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .measures import ClinicalQuerySet


class SignedRecordLocked(Exception):
    """Raised when something tries to change or delete a signed record."""


class SignableQuerySet(ClinicalQuerySet):
    def signed(self):
        return self.filter(signed_at__isnull=False)

    def drafts(self):
        return self.filter(signed_at__isnull=True)

    def update(self, **kwargs):
        # Bulk updates go through here too: only drafts may change.
        return super(SignableQuerySet, self.drafts()).update(**kwargs)


class Signable(models.Model):
    """Author, timestamps and signature of a clinical record, with the lock."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = SignableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._signed_in_database():
            raise SignedRecordLocked(_("This record is signed and can no longer be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._signed_in_database():
            raise SignedRecordLocked(_("This record is signed and cannot be deleted."))
        return super().delete(*args, **kwargs)

    def _signed_in_database(self):
        if self.pk is None:
            return False
        return type(self)._base_manager.filter(pk=self.pk, signed_at__isnull=False).exists()

    @classmethod
    def signature_constraint(cls, prefix):
        """Signed rows carry both the time and the signer, or neither."""
        return models.CheckConstraint(
            condition=Q(signed_at__isnull=True, signed_by__isnull=True)
            | Q(signed_at__isnull=False, signed_by__isnull=False),
            name=f"{prefix}_signature_complete",
        )

    @property
    def is_signed(self):
        return self.signed_at is not None

    def sign(self, user, when=None):
        """Sign and lock. Only the author signs their own record."""
        if user.pk != self.author_id:
            raise PermissionError("Only the author may sign this record.")
        if self.is_signed or self._signed_in_database():
            raise SignedRecordLocked(_("This record is already signed."))
        self.signed_at = when or timezone.now()
        self.signed_by = user
        # The last save a draft ever gets: after it the lock holds.
        super().save()

    def is_locked_for(self, user):
        return self.is_signed or user.pk != self.author_id


class Versioned(Signable):
    """A record kept as numbered versions per client (treatment plan, safety
    plan): one draft at a time; a new draft starts as a copy of the last
    signed version, which stays as it was."""

    client = models.ForeignKey("iop.Client", on_delete=models.PROTECT, related_name="%(class)ss")
    version = models.PositiveSmallIntegerField(default=1, editable=False)

    #: Fields copied from the last signed version into a new draft.
    copied_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True
        ordering = ["-version"]

    @classmethod
    def version_constraints(cls, prefix):
        return [
            models.UniqueConstraint(fields=["client", "version"], name=f"{prefix}_one_row_per_version"),
            models.UniqueConstraint(
                fields=["client"], condition=Q(signed_at__isnull=True), name=f"{prefix}_one_draft_per_client"
            ),
            cls.signature_constraint(prefix),
        ]

    @classmethod
    def start_draft(cls, client, author):
        """The client's open draft, or a new one copied from the last signed version."""
        existing = cls.objects.filter(client=client).drafts().first()
        if existing:
            return existing, False
        last = cls.objects.filter(client=client).order_by("-version").first()
        draft = cls(client=client, author=author, version=(last.version + 1) if last else 1)
        if last:
            for name in cls.copied_fields:
                setattr(draft, name, getattr(last, name))
        draft.save()
        if last:
            draft.copy_children_from(last)
        return draft, True

    def copy_children_from(self, previous):
        """Copy rows that belong to a version (objectives, interventions); none by default."""

    @property
    def previous_version(self):
        return type(self).objects.filter(client=self.client_id, version__lt=self.version).order_by("-version").first()


class PartOfSignedRecord(models.Model):
    """A row that belongs to a signable record (an objective of a plan) and is
    locked with it."""

    parent_field = "plan"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._parent_signed():
            raise SignedRecordLocked(_("This record is signed and can no longer be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._parent_signed():
            raise SignedRecordLocked(_("This record is signed and cannot be deleted."))
        return super().delete(*args, **kwargs)

    def _parent_signed(self):
        field = self._meta.get_field(self.parent_field)
        parent_id = getattr(self, field.attname)
        return field.related_model._base_manager.filter(pk=parent_id, signed_at__isnull=False).exists()
