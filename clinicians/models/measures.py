"""Measures: PHQ-9, PHQ-A and GAD-7 administrations with their answers, and the
one-time links that let a client answer on a phone or a clinic tablet."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinicians.instruments import GAD7, INSTRUMENTS, PHQ9, YesNoQuestion
from clinicians.scoring import Answer as AnswerValue
from clinicians.scoring import score
from iop.models import Client, ClientRecordsQuerySet

# A link sent to the client's phone works for a day; a kiosk session on a
# clinic tablet is started while the client waits, so it lasts an hour.
SELF_REPORT_LINK_LIFETIME = datetime.timedelta(hours=24)
KIOSK_LIFETIME = datetime.timedelta(hours=1)


class InstrumentKind(models.TextChoices):
    PHQ9 = "phq9", "PHQ-9"
    PHQA = "phqa", "PHQ-A"
    GAD7 = "gad7", "GAD-7"


# The PHQ-9 and the PHQ-A are scored and banded alike (product.md): together
# they are one depression series, the one outcomes are measured on.
PHQ_KINDS = (InstrumentKind.PHQ9, InstrumentKind.PHQA)


class Mode(models.TextChoices):
    CLINICIAN = "clinician", _("Entered by a clinician")
    KIOSK = "kiosk", _("Client on a clinic tablet")
    LINK = "link", _("Client by one-time link")


class ClinicalQuerySet(ClientRecordsQuerySet):
    """Rows of a client's clinical record: visible to the clinicians who may read
    that client's chart (never to program admins or families)."""

    def visible_to(self, user):
        return self.filter(**{f"{self.client_path}__in": Client.objects.clinical_for(user)})


class AdministrationQuerySet(ClinicalQuerySet):
    pass


def band_label(instrument, band):
    """The words of a severity band of ``instrument`` ("" for none)."""
    found = next((b for b in INSTRUMENTS[instrument].severity_bands if b.key == band), None)
    return found.label if found else ""


class Administration(models.Model):
    """One completed questionnaire. The total, band and flags are derived from the
    answers by ``scoring.score`` on every save; nobody types them."""

    DERIVED_FIELDS = ("total", "band", "prorated", "answered", "reason_no_total", "safety_flag")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="administrations")
    instrument = models.CharField(max_length=8, choices=InstrumentKind.choices)
    administered_at = models.DateTimeField(default=timezone.now, db_index=True)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    total = models.PositiveSmallIntegerField(null=True, editable=False)
    band = models.CharField(max_length=20, blank=True, editable=False)
    prorated = models.BooleanField(default=False, editable=False)
    answered = models.PositiveSmallIntegerField(default=0, editable=False)
    reason_no_total = models.CharField(max_length=200, blank=True, editable=False)
    safety_flag = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AdministrationQuerySet.as_manager()

    class Meta:
        ordering = ["-administered_at", "-pk"]
        indexes = [models.Index(fields=["client", "instrument", "administered_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__isnull=True)
                | Q(instrument=InstrumentKind.GAD7, total__lte=GAD7.max_total)
                | Q(instrument__in=PHQ_KINDS, total__lte=PHQ9.max_total),
                name="administration_total_in_range",
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True, band="") | (Q(total__isnull=False) & ~Q(band="")),
                name="administration_band_iff_total",
            ),
            models.CheckConstraint(
                condition=Q(prorated=False) | Q(total__isnull=False), name="administration_prorated_needs_total"
            ),
            models.CheckConstraint(
                condition=~Q(mode="clinician") | Q(entered_by__isnull=False),
                name="administration_clinician_entry_names_clinician",
            ),
        ]

    def __str__(self):
        return f"{self.get_instrument_display()} on {timezone.localtime(self.administered_at):%Y-%m-%d}"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        answers = getattr(self, "_new_answers", {}) if adding else self.answer_values()
        result = score(self.instrument, answers)  # raises ValueError before anything is written
        self.total = result.total
        self.band = result.band or ""
        self.prorated = result.prorated
        self.answered = result.answered
        self.reason_no_total = result.reason_no_total
        self.safety_flag = result.safety_flag
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.DERIVED_FIELDS}
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:
                Answer.objects.bulk_create(Answer.rows_for(self, answers))
            if self.safety_flag:
                # Same transaction as the answers: the alert exists exactly when they do.
                from .alerts import SafetyAlert

                SafetyAlert.objects.raise_for(self, reasons=result.safety_reasons)

    @classmethod
    def record(cls, *, client, instrument, answers, mode, entered_by=None, administered_at=None):
        """Save an administration with its answers (and its safety alert, if the
        answers call for one) in one transaction."""
        administration = cls(
            client=client,
            instrument=instrument,
            mode=mode,
            entered_by=entered_by,
            administered_at=administered_at or timezone.now(),
        )
        administration._new_answers = {key: value for key, value in answers.items() if value is not None}
        administration.save()
        return administration

    @property
    def definition(self):
        return INSTRUMENTS[self.instrument]

    @property
    def is_phq(self):
        return self.instrument in PHQ_KINDS

    @property
    def band_label(self):
        return band_label(self.instrument, self.band)

    def answer_values(self) -> dict[str, AnswerValue]:
        """The stored answers as scoring reads them (yes/no questions as booleans)."""
        values = {}
        for answer in self.answers.all():
            question = self.definition.question(answer.item_key)
            values[answer.item_key] = bool(answer.value) if isinstance(question, YesNoQuestion) else answer.value
        return values

    def unanswered_risk_questions(self):
        """The questions about suicide or self-harm left blank (the scored item and the
        yes/no questions), in order: a blank is no answer, and worth asking in person."""
        definition = self.definition
        keys = [definition.safety_item_key] if definition.safety_item_key else []
        keys += [question.key for question in definition.yes_no_questions if question.asks_about_suicide]
        answered = {answer.item_key for answer in self.answers.all()}
        return [definition.question(key) for key in keys if key not in answered]

    def _questions(self):
        definition = self.definition
        return (*definition.items, *filter(None, [definition.difficulty]), *definition.yes_no_questions)

    @property
    def has_item_codes(self):
        """Whether any question has a verified LOINC code (the PHQ-A's have none, so
        its answers table leaves out a column that would be all dashes)."""
        return any(getattr(question, "loinc", None) for question in self._questions())

    def answer_rows(self):
        """Every question in order with its answer, for display; safety answers flagged."""
        definition = self.definition
        stored = self.answer_values()
        rows = []
        for question in self._questions():
            value = stored.get(question.key)
            if isinstance(question, YesNoQuestion):
                text, answer = question.text, {None: "", True: "Yes", False: "No"}[value]
                safety = question.asks_about_suicide and value is True
            else:
                text = f"{question.number}. {question.text}"
                answer = "" if value is None else f"{value} · {question.label_for(value)}"
                safety = question.key == definition.safety_item_key and bool(value)
            rows.append({"text": text, "answer": answer, "loinc": getattr(question, "loinc", None), "safety": safety})
        return rows


class AnswerQuerySet(ClinicalQuerySet):
    client_path = "administration__client"


class Answer(models.Model):
    """One answered question, stored with its LOINC code where one is known."""

    administration = models.ForeignKey(Administration, on_delete=models.CASCADE, related_name="answers")
    item_key = models.CharField(max_length=40)
    # 0-3 on a scale; for a PHQ-A yes/no question, 1 is "yes" and 0 is "no".
    value = models.PositiveSmallIntegerField()
    loinc = models.CharField(max_length=10, blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["administration", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "item_key"], name="one_answer_per_item"),
            models.CheckConstraint(condition=Q(value__lte=3), name="answer_value_in_range"),
        ]

    def __str__(self):
        return f"{self.item_key} = {self.value}"

    @classmethod
    def rows_for(cls, administration, answers):
        definition = administration.definition
        rows = []
        for key, value in answers.items():
            question = definition.question(key)
            rows.append(
                cls(
                    administration=administration,
                    item_key=key,
                    value=int(value),
                    loinc=getattr(question, "loinc", None) or "",
                )
            )
        return rows


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SelfReportLinkQuerySet(ClinicalQuerySet):
    def usable(self, token, now=None):
        """The link a token opens, if it is unused, unexpired, and its client is still
        in the program (a discharge closes the episode: answers after it would raise
        alerts nobody is there to act on). Only the token's hash is stored, so a
        guessed or altered token matches nothing."""
        now = now or timezone.now()
        open_links = self.filter(token_hash=hash_token(token), used_at__isnull=True, expires_at__gt=now)
        return open_links.exclude(client__status=Client.Status.DISCHARGED)


class LinkUnusable(Exception):
    """The link expired or was used between opening the page and sending it."""


class SelfReportLink(models.Model):
    """A one-time way for a client to answer a questionnaire without an account:
    a link sent to them, or a kiosk session on a clinic tablet. The token is shown
    once and stored only as its SHA-256 hash."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="self_report_links")
    instrument = models.CharField(max_length=8, choices=InstrumentKind.choices)
    mode = models.CharField(max_length=10, choices=[c for c in Mode.choices if c[0] != Mode.CLINICIAN])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    token_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)
    administration = models.OneToOneField(
        Administration, null=True, blank=True, on_delete=models.PROTECT, related_name="self_report_link"
    )

    objects = SelfReportLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(mode__in=["kiosk", "link"]), name="self_report_mode_is_self_report"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="link_expires_after_start"),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True, administration__isnull=True)
                | Q(used_at__isnull=False, administration__isnull=False),
                name="link_used_iff_answered",
            ),
        ]

    def __str__(self):
        return f"{self.get_mode_display()} for {self.client} ({self.get_instrument_display()})"

    @classmethod
    def issue(cls, *, client, instrument, created_by, mode):
        """Create a link; returns (link, token). The token is never stored."""
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        if mode == Mode.KIOSK:
            expires_at = now + KIOSK_LIFETIME
        else:
            # Until the same clock time the next day, clinic time (aware arithmetic
            # keeps the wall clock): the next day's run finds it expired even when
            # the clocks changed overnight and that day had 23 hours.
            expires_at = timezone.localtime(now) + SELF_REPORT_LINK_LIFETIME
        link = cls.objects.create(
            client=client,
            instrument=instrument,
            mode=mode,
            created_by=created_by,
            created_at=now,
            expires_at=expires_at,
            token_hash=hash_token(token),
        )
        return link, token

    def get_instrument_definition(self):
        return INSTRUMENTS[self.instrument]

    def complete(self, answers):
        """Record the client's answers and spend the link, once, under a row lock."""
        with transaction.atomic():
            link = SelfReportLink.objects.select_for_update(of=("self",)).select_related("client").get(pk=self.pk)
            if link.used_at is not None or link.expires_at <= timezone.now():
                raise LinkUnusable
            if link.client.status == Client.Status.DISCHARGED:
                raise LinkUnusable
            administration = Administration.record(
                client=link.client, instrument=link.instrument, answers=answers, mode=link.mode
            )
            link.used_at = timezone.now()
            link.administration = administration
            link.save(update_fields=["used_at", "administration"])
        return administration
