"""The individualized treatment plan (Joint Commission CTS.03.01.03, CARF 2.C):
problems, a goal in the client's own words, measurable time-bound objectives,
interventions with their frequency, discharge criteria; signed versions,
acknowledgements and reviews on a cadence."""

import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .signing import ClinicalQuerySet, PartOfSignedRecord, Versioned


class Problem(models.TextChoices):
    DEPRESSION = "depression", _("Depression")
    ANXIETY = "anxiety", _("Anxiety")
    SUICIDAL_IDEATION = "suicidal_ideation", _("Suicidal ideation")
    SELF_HARM = "self_harm", _("Self-harm")
    SCHOOL_REFUSAL = "school_refusal", _("School refusal")
    OTHER = "other", _("Other")


NOT_LOOKED_UP = object()


def text_key(text):
    """A fingerprint of a goal or objective that ignores case, spacing and
    surrounding punctuation, so a text pasted from another client's plan is found."""
    normalised = re.sub(r"\s+", " ", (text or "").casefold()).strip(" .,;:!?\"'")
    return hashlib.sha256(normalised.encode()).hexdigest() if normalised else ""


class TreatmentPlan(Versioned):
    problems = models.JSONField(default=list, help_text=_("Problems this plan addresses."))
    other_problem = models.CharField(max_length=200, blank=True)
    goal = models.TextField(_("goal in the client's own words"))
    discharge_criteria = models.TextField(
        blank=True, help_text=_("What will be true when the client is ready to step down.")
    )
    discharge_process = models.TextField(
        _("expected discharge process"),
        blank=True,
        help_text=_("How discharge and aftercare will be planned with the family."),
    )
    # When a goal or objective matches another client's plan word for word, the
    # clinician must change it or say why it is right for this client.
    copied_text_reason = models.TextField(blank=True, editable=False)
    goal_key = models.CharField(max_length=64, db_index=True, editable=False)

    copied_fields = ("problems", "other_problem", "goal", "discharge_criteria", "discharge_process")

    class Meta:
        ordering = ["client", "-version"]
        constraints = [
            *Versioned.version_constraints("plan"),
            # A draft may start empty; no version is signed without the client's goal.
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | ~Q(goal=""), name="signed_plan_has_goal_in_own_words"
            ),
        ]

    def __str__(self):
        return f"Treatment plan v{self.version}"

    def save(self, *args, **kwargs):
        self.goal_key = text_key(self.goal)
        super().save(*args, **kwargs)

    @classmethod
    def start_draft(cls, client, author):
        draft, created = super().start_draft(client, author)
        if created and draft.version == 1:
            # A first plan starts with the program's core interventions at their usual frequency.
            responsible = client.lead_clinician or author
            for kind in Intervention.CORE:
                Intervention.objects.create(
                    plan=draft, kind=kind, frequency=str(Intervention.USUAL_FREQUENCY[kind]), responsible=responsible
                )
        return draft, created

    def copy_children_from(self, previous):
        for objective in previous.objectives.all():
            Objective.objects.create(
                plan=self,
                text=objective.text,
                measure=objective.measure,
                target_date=objective.target_date,
                how_measured=objective.how_measured,
            )
        for intervention in previous.interventions.all():
            Intervention.objects.create(
                plan=self,
                kind=intervention.kind,
                description=intervention.description,
                frequency=intervention.frequency,
                responsible_id=intervention.responsible_id,
            )

    def get_problems_display(self):
        labels = [str(Problem(p).label) for p in self.problems if p in Problem.values and p != Problem.OTHER]
        if Problem.OTHER in self.problems and self.other_problem:
            labels.append(self.other_problem)
        return labels

    def missing_before_signing(self):
        """What still has to be written before this version may be signed."""
        missing = []
        if not self.goal.strip():
            missing.append(_("a goal in the client's own words"))
        if not self.problems:
            missing.append(_("at least one problem"))
        if not self.objectives.exists():
            missing.append(_("at least one measurable objective"))
        # A target carried over from the last version may have passed since: a plan
        # signed now is time-bound from now (met objectives go, the others get a new date).
        signing_day = timezone.localdate(self.signed_at) if self.signed_at else timezone.localdate()
        passed = list(self.objectives.filter(target_date__lt=signing_day).values_list("text", "target_date"))
        if passed:
            # Named, with the date each had: the draft may hold several objectives.
            which = "; ".join(f"“{text}” ({day:%-d %b %Y})" for text, day in passed)
            missing.append(
                ngettext(
                    "a new target date for %(n)s objective whose target has passed (or remove it if it was met): "
                    "%(which)s",
                    "new target dates for %(n)s objectives whose targets have passed (or remove those that were "
                    "met): %(which)s",
                    len(passed),
                )
                % {"n": len(passed), "which": which}
            )
        if not self.interventions.exists():
            missing.append(_("at least one intervention with its frequency"))
        if not self.discharge_criteria.strip():
            missing.append(_("discharge criteria"))
        if not self.discharge_process.strip():
            missing.append(_("the expected discharge process"))
        return missing

    @property
    def acknowledgements_missing(self):
        """Who has yet to acknowledge this version (the client, a family member): the
        plan is signed by the clinician and acknowledged by both (product.md). Reads
        the acknowledgements as prefetched."""
        parties = {ack.party for ack in self.acknowledgements.all()}
        return [label for party, label in PlanAcknowledgement.Party.choices if party not in parties]

    def review_due_on(self, last_reviewed_on=NOT_LOOKED_UP, review_days=None):
        """Signed plans are reviewed every ``Program.plan_review_days`` days,
        counted from signing or from the last review."""
        if not self.is_signed:
            return None
        from iop.models import Program

        days = review_days or Program.current().plan_review_days
        if last_reviewed_on is NOT_LOOKED_UP:
            last_reviewed_on = self.reviews.aggregate(last=models.Max("reviewed_on"))["last"]
        start = last_reviewed_on or timezone.localdate(self.signed_at)
        return start + timezone.timedelta(days=days)


class PlanPartQuerySet(ClinicalQuerySet):
    client_path = "plan__client"


class Objective(PartOfSignedRecord):
    class Measure(models.TextChoices):
        PHQ = "phq", _("PHQ-9 / PHQ-A score")
        GAD7 = "gad7", _("GAD-7 score")
        SCHOOL_ATTENDANCE = "school_attendance", _("School attendance")
        GROUP_ATTENDANCE = "group_attendance", _("Group attendance")
        SKILLS_LOG = "skills_log", _("Skills practice log")
        SELF_REPORT = "self_report", _("Client self-report")
        OBSERVATION = "observation", _("Clinician observation")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="objectives")
    text = models.TextField(_("objective"), help_text=_("Measurable and time-bound, e.g. at school 4 of 5 days."))
    measure = models.CharField(max_length=20, choices=Measure.choices)
    target_date = models.DateField()
    how_measured = models.CharField(max_length=300, help_text=_("e.g. PHQ-A total below 10, weekly school report."))
    text_key = models.CharField(max_length=64, db_index=True, editable=False)

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["target_date", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="objective_has_text")]

    def __str__(self):
        return self.text[:80]

    def save(self, *args, **kwargs):
        self.text_key = text_key(self.text)
        super().save(*args, **kwargs)


class Intervention(PartOfSignedRecord):
    class Kind(models.TextChoices):
        SKILLS_GROUP = "skills_group", _("Skills group")
        INDIVIDUAL_CHECKIN = "individual_checkin", _("Individual check-in")
        FAMILY_GROUP = "family_group", _("Family group")
        FAMILY_SESSION = "family_session", _("Family sessions")
        MEDICATION = "medication", _("Medication management")
        OTHER = "other", _("Other")

    #: The program's usual frequency for each intervention (product.md: groups meet
    #: four evenings a week for three hours; weekly check-ins and family group).
    USUAL_FREQUENCY = {
        Kind.SKILLS_GROUP: _("4 evenings a week, 3 hours each"),
        Kind.INDIVIDUAL_CHECKIN: _("Weekly"),
        Kind.FAMILY_GROUP: _("Weekly"),
        Kind.FAMILY_SESSION: _("Every 2 weeks, and as needed"),
        Kind.MEDICATION: _("Every 4 weeks"),
    }

    #: Every plan starts with these.
    CORE = (Kind.SKILLS_GROUP, Kind.INDIVIDUAL_CHECKIN, Kind.FAMILY_GROUP)

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=300, blank=True)
    frequency = models.CharField(max_length=120)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"role": "clinician"},
        verbose_name=_("responsible staff"),
    )

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=~Q(frequency=""), name="intervention_states_frequency")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.frequency}"


class PlanAcknowledgement(models.Model):
    """The client or a family member has seen and agreed to a signed plan version."""

    class Party(models.TextChoices):
        CLIENT = "client", _("Client")
        FAMILY = "family", _("Family member")

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="acknowledgements")
    party = models.CharField(max_length=10, choices=Party.choices)
    family_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_on = models.DateField(default=timezone.localdate)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(party="client", family_member__isnull=True)
                | Q(party="family", family_member__isnull=False),
                name="family_acknowledgement_names_the_person",
            ),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(party="client"), name="one_client_acknowledgement_per_plan"
            ),
            models.UniqueConstraint(fields=["plan", "family_member"], name="one_acknowledgement_per_family_member"),
        ]

    def __str__(self):
        who = self.family_member or _("client")
        return f"Acknowledged by {who} on {self.acknowledged_on}"

    def clean(self):
        if self.plan_id and not self.plan.is_signed:
            raise ValidationError(_("Only a signed plan can be acknowledged."))


class PlanReview(models.Model):
    """A review of a signed plan version, with progress on each objective."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(default=timezone.localdate)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(help_text=_("Overall progress and whether the plan continues or needs revision."))
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self):
        return f"Review of {self.plan} on {self.reviewed_on}"


class ObjectiveProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        PROGRESSING = "progressing", _("Progressing")
        MET = "met", _("Met")
        NOT_MET = "not_met", _("Not met")
        REVISE = "revise", _("Needs revision")

    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="progress")
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(max_length=12, choices=Status.choices)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["objective__target_date", "objective__pk"]
        verbose_name_plural = _("objective progress")
        constraints = [models.UniqueConstraint(fields=["review", "objective"], name="one_progress_per_objective")]

    def __str__(self):
        return f"{self.objective}: {self.get_status_display()}"
