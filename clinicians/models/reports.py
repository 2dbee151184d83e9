"""Progress reports (PDF): one row per requested report, holding its state while
a worker renders it and, once ready, the file in private storage.

The PDF is a file on a private storage (``PRIVATE_STORAGE_ROOT``, under the var
folder), not bytes in the database: reports are written once and read rarely,
so they need not weigh on every database backup and query, and a
``FileResponse`` streams them from disk. The storage has no URL; the only way
to a file is a view that checks who is asking."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from iop.models import Client, ClientRecordsQuerySet


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files outside every web root, read from ``PRIVATE_STORAGE_ROOT`` each time
    (so a test or a deployment may move it)."""

    def __init__(self):
        # Readable by the app's own account only.
        super().__init__(base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self):
        return str(settings.PRIVATE_STORAGE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through an authorising view.")


def report_path(report, filename):
    return f"reports/{report.client_id}/{filename}"


class ProgressReportQuerySet(ClientRecordsQuerySet):
    def visible_to(self, user):
        """Staff: reports of clients whose clinical record ``user`` may read.
        Families: the family-facing reports released to them, once ready."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_clinician or user.is_superuser:
            return self.filter(client__in=Client.objects.clinical_for(user))
        if user.is_family:
            return self.released().filter(client__in=Client.objects.visible_to(user))
        return self.none()

    def released(self):
        return self.filter(
            variant=ProgressReport.Variant.FAMILY, released_to_family=True, status=ProgressReport.Status.READY
        )


class ProgressReport(models.Model):
    class Variant(models.TextChoices):
        CLINICAL = "clinical", _("Clinical")
        FAMILY = "family", _("Family")
        PAYER = "payer", _("Payer (continued-stay review)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="progress_reports")
    variant = models.CharField(max_length=10, choices=Variant.choices, default=Variant.CLINICAL)
    period_start = models.DateField()
    period_end = models.DateField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("clinician summary"))
    # The family variant is written in the family's language; clinical ones in English.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    # What a continued-stay reviewer asks for that the chart does not hold as data.
    diagnosis = models.TextField(blank=True, help_text=_("Diagnoses with their codes."))
    presentation = models.TextField(
        _("presentation supporting this level of care"),
        blank=True,
        help_text=_("Symptoms and functioning that call for intensive outpatient care now."),
    )
    skills_outside_program = models.TextField(
        _("skills used outside the program"), blank=True, help_text=_("At home, at school, with friends.")
    )
    barriers_to_discharge = models.TextField(blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    # The next render may not start before this (backoff after a failure).
    next_attempt_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    pdf = models.FileField(storage=PrivateStorage(), upload_to=report_path, blank=True, editable=False)
    pdf_pages = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    released_to_family = models.BooleanField(default=False, editable=False)
    released_at = models.DateTimeField(null=True, blank=True, editable=False)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    at_discharge = models.BooleanField(default=False, editable=False)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="report_period_ordered"),
            models.CheckConstraint(
                condition=Q(released_to_family=False) | Q(variant="family", status="ready"),
                name="only_ready_family_reports_are_released",
            ),
            models.CheckConstraint(condition=~Q(status="ready") | ~Q(pdf=""), name="ready_report_has_a_file"),
        ]

    def __str__(self):
        return f"{self.get_variant_display()} progress report, {self.period_start} to {self.period_end}"

    @property
    def is_pending(self):
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)

    @property
    def is_ready(self):
        return self.status == self.Status.READY

    @property
    def download_name(self):
        # A family report may be made in each of the family's languages: the name tells them apart.
        language = f"-{self.language}" if self.variant == self.Variant.FAMILY else ""
        return (
            f"progress-report-{self.variant}{language}-{self.client.chart_number}-"
            f"{self.period_start}-{self.period_end}.pdf"
        )

    @property
    def date_style(self):
        """How the PDF writes dates: a family's report as the portal does, in their
        language ("26 de octubre de 2026"); the team's and payer's as 2026-10-26."""
        return gettext("j F Y") if self.variant == self.Variant.FAMILY else "Y-m-d"

    @property
    def family_name(self):
        """How the family portal lists it: no variant jargon; the report's language
        when it is not the one the portal is shown in (one made in each tells apart)."""
        day = gettext("j F Y")  # the portal's date format, in the family's language
        name = _("Progress report, %(start)s to %(end)s") % {
            "start": date_format(self.period_start, day),
            "end": date_format(self.period_end, day),
        }
        if self.language != get_language():
            name = f"{name} ({self.get_language_display()})"
        return name
