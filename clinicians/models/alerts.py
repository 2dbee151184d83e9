"""Safety alerts raised by a questionnaire's answers, their escalation, and the
risk assessment that is the only way to close one (product.md, "Clinical rules")."""

import datetime
import logging

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iop import request_memo
from iop.models import Client, ClientRecordsQuerySet, Program
from iop.outbox import queue_message

from . import safety_plans
from .measures import Administration, ClinicalQuerySet

log = logging.getLogger(__name__)

# What the owner and the on-call clinician receive. A message can be read by
# anyone holding the phone, so it says nothing about the client or the answers;
# it does say that it is urgent, and whether it is an escalation.
ALERT_MESSAGE_SUBJECT = "Urgent: a safety alert is waiting for you"
ALERT_MESSAGE_BODY = "Urgent: a safety alert is waiting for you. Please open the app now."
ESCALATION_SUBJECT = "Urgent, escalated: a safety alert is still not acknowledged"
ESCALATION_BODY = (
    "Urgent, escalated: a safety alert has waited %(minutes)s minutes without acknowledgement. Please open the app now."
)


class SafetyAlertQuerySet(ClientRecordsQuerySet):
    def visible_to(self, user):
        """Alerts of clients whose chart ``user`` may read, plus those the program
        puts on them: alerts they own, every alert while they are the on-call
        clinician, and escalated alerts for the director."""
        if not (user.is_authenticated and user.is_active and (user.is_clinician or user.is_superuser)):
            return self.none()
        program = Program.objects.filter(pk=1)
        return self.filter(
            Q(client__in=Client.objects.clinical_for(user))
            | Q(owner=user)
            | Q(Exists(program.filter(on_call_clinician=user)))
            | (Q(escalated_at__isnull=False) & Q(Exists(program.filter(director=user))))
        )

    def unhandled(self):
        return self.exclude(status=SafetyAlert.Status.CLOSED)

    def hand_over_from(self, person):
        """The unhandled alerts ``person`` owns, passed to whoever would own an alert
        for that client now (``person`` was deactivated or is no longer a clinician,
        so would never see them); each new owner is sent the alert's message. Returns
        the alerts passed on."""
        passed = []
        unhandled = self.unhandled().filter(owner=person)
        for alert in unhandled.select_related("client__lead_clinician", "client__cohort__lead_clinician"):
            owner = owner_for(alert.client)
            if owner is None or owner.pk == person.pk:
                continue
            alert.owner = owner
            alert.save(update_fields=["owner"])
            alert.notify(kind="safety_alert", recipients=[owner])
            passed.append(alert)
        return passed

    def safety_plan_owed(self):
        """Closed alerts whose risk assessment says a safety plan was made or updated,
        with no version signed since the alert was raised. The form asks for that
        version of whoever can write one; the on-call clinician or director who
        closed an alert without reading the chart leaves the plan to the team, and
        this is how the team finds it."""
        signed_since = safety_plans.SafetyPlan.objects.filter(
            client=OuterRef("client"), signed_at__isnull=False, signed_at__gte=OuterRef("created_at")
        )
        return self.filter(
            status=SafetyAlert.Status.CLOSED,
            risk_assessment__safety_plan__in=[RiskAssessment.SafetyPlan.CREATED, RiskAssessment.SafetyPlan.REVIEWED],
        ).exclude(Exists(signed_since))

    def raise_for(self, administration, reasons=()):
        """The administration's alert, created (and its messages queued) the first
        time; later saves find the same row."""
        alert, created = self.get_or_create(
            administration=administration,
            defaults={
                "client": administration.client,
                "owner": owner_for(administration.client),
                "reasons": "\n".join(reasons),
            },
        )
        if created:
            alert.notify(kind="safety_alert", recipients=[alert.owner, Program.current().on_call_clinician])
        return alert

    def escalate_overdue(self, now=None):
        """Escalate every open alert nobody acknowledged in time. Safe to run again:
        an escalated alert is no longer open, and message keys are unique."""
        now = now or timezone.now()
        program = Program.current()
        cutoff = now - datetime.timedelta(minutes=program.alert_escalation_minutes)
        escalated = []
        for pk in self.filter(status=SafetyAlert.Status.OPEN, created_at__lte=cutoff).values_list("pk", flat=True):
            with transaction.atomic():
                alert = self.select_for_update().get(pk=pk)
                if alert.status == SafetyAlert.Status.OPEN:
                    alert.escalate(now, program)
                    escalated.append(alert)
        return escalated


class AlreadyClosed(ValueError):
    """The alert was closed, by someone else, before this assessment could close it."""


def owner_for(client):
    """A named clinician owns every alert: the client's lead clinician, else the
    cohort's lead, else whoever is on call, else the program director; someone who
    has left (deactivated) or is no longer a clinician is passed over, since they
    would never see it. With nobody at all, the alert is logged as an error (and
    every clinician who reads the chart still sees it)."""
    program = Program.current()
    candidates = (  # each read only if the one before cannot own it
        lambda: client.lead_clinician if client.lead_clinician_id else None,
        lambda: client.cohort.lead_clinician if client.cohort_id else None,
        lambda: program.on_call_clinician,
        lambda: program.director,
    )
    owner = next((person for person in (read() for read in candidates) if _can_own(person)), None)
    if owner is None:
        log.error("Safety alert for client %s has no active clinician to own it: set who is on call.", client.pk)
    return owner


def _can_own(person):
    return person is not None and person.is_active and (person.is_clinician or person.is_superuser)


class SafetyAlert(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ESCALATED = "escalated", _("Escalated")
        CLOSED = "closed", _("Closed")

    # One alert per administration, enforced by the database.
    administration = models.OneToOneField(Administration, on_delete=models.PROTECT, related_name="safety_alert")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="safety_alerts")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="owned_safety_alerts"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    reasons = models.TextField(help_text=_("Which answers raised the alert."))
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    risk_assessment = models.OneToOneField(
        "RiskAssessment", null=True, blank=True, on_delete=models.PROTECT, related_name="safety_alert"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = SafetyAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Closing takes a documented risk assessment, and only closing has one.
            models.CheckConstraint(
                condition=Q(status="closed", risk_assessment__isnull=False, closed_at__isnull=False)
                | (~Q(status="closed") & Q(risk_assessment__isnull=True, closed_at__isnull=True)),
                name="alert_closed_iff_risk_assessment",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="alert_acknowledged_by_someone",
            ),
            models.CheckConstraint(
                condition=~Q(status="acknowledged") | Q(acknowledged_at__isnull=False),
                name="alert_acknowledged_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="escalated") | Q(escalated_at__isnull=False), name="alert_escalated_has_time"
            ),
        ]

    def __str__(self):
        return f"Safety alert for {self.client} ({self.get_status_display()})"

    @property
    def is_handled(self):
        return self.status == self.Status.CLOSED

    @property
    def needs_acknowledgement(self):
        return self.status in (self.Status.OPEN, self.Status.ESCALATED)

    def escalation_due_at(self, program=None):
        program = program or Program.current()
        return self.created_at + datetime.timedelta(minutes=program.alert_escalation_minutes)

    def notify(self, *, kind, recipients, subject=ALERT_MESSAGE_SUBJECT, body=ALERT_MESSAGE_BODY):
        """Queue one urgent message per person (inside the caller's transaction)."""
        for user in {user for user in recipients if user is not None}:
            queue_message(
                key=f"{kind}:{self.pk}:{user.pk}",
                kind=kind,
                recipient=user,
                subject=subject,
                body=body,
                urgent=True,
            )

    def escalate(self, now, program):
        self.status = self.Status.ESCALATED
        self.escalated_at = now
        self.save(update_fields=["status", "escalated_at"])
        self.notify(
            kind="safety_alert_escalated",
            recipients=[program.on_call_clinician, program.director],
            subject=ESCALATION_SUBJECT,
            body=ESCALATION_BODY % {"minutes": program.alert_escalation_minutes},
        )

    def acknowledge(self, user):
        """Stop the escalation clock; returns False when there was nothing to acknowledge."""
        if not self.needs_acknowledgement:
            return False
        self.status = self.Status.ACKNOWLEDGED
        self.acknowledged_by = user
        self.acknowledged_at = timezone.now()
        self.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        return True

    def close_with(self, assessment):
        """The only way an alert closes: with the risk assessment documented on it.
        The alert is closed by one conditional UPDATE (unless already closed): of two
        clinicians closing it at once, the second waits for the first's transaction,
        finds it closed and gets AlreadyClosed (its assessment is rolled back), so the
        first assessment stands. An acknowledgement made meanwhile is kept."""
        if self.is_handled:
            raise AlreadyClosed("This alert is already closed.")
        with transaction.atomic():
            assessment.client = self.client
            assessment.save()
            closed = (
                SafetyAlert.objects.filter(pk=self.pk)
                .exclude(status=self.Status.CLOSED)
                .update(
                    status=self.Status.CLOSED,
                    risk_assessment=assessment,
                    closed_at=timezone.now(),
                    acknowledged_by=Coalesce(F("acknowledged_by"), Value(assessment.assessed_by_id)),
                    acknowledged_at=Coalesce(F("acknowledged_at"), Value(assessment.assessed_at)),
                )
            )
            if not closed:
                raise AlreadyClosed("This alert is already closed.")
        self.refresh_from_db(fields=["status", "risk_assessment", "closed_at", "acknowledged_by", "acknowledged_at"])
        request_memo.forget(ANY_UNHANDLED_MEMO)  # an update sends no post_save


class RiskAssessmentQuerySet(ClinicalQuerySet):
    pass


class RiskAssessment(models.Model):
    """The clinician's documented response to a safety alert."""

    # Columbia Suicide Severity Rating Scale, screen version: the risk level the
    # screen's answers point to (Posner et al. 2011, Am J Psychiatry 168:1266-1277).
    class ScreenResult(models.TextChoices):
        NO_RISK = "no_risk", _("No risk identified (all screen questions no)")
        LOW = "low", _("Low risk (wish to be dead or non-specific thoughts)")
        MODERATE = "moderate", _("Moderate risk (thoughts with method, no intent or plan)")
        HIGH = "high", _("High risk (intent, plan, or recent behaviour)")

    class Disposition(models.TextChoices):
        HOME_WITH_PLAN = "home_with_plan", _("Home with family and a safety plan")
        HOME_WITH_FOLLOW_UP = "home_with_follow_up", _("Home with next-day follow-up")
        HIGHER_LEVEL_OF_CARE = "higher_level_of_care", _("Referred to a higher level of care (PHP or inpatient)")
        EMERGENCY_EVALUATION = "emergency_evaluation", _("Emergency evaluation (emergency department or mobile crisis)")

    class SafetyPlan(models.TextChoices):
        CREATED = "created", _("Safety plan created")
        REVIEWED = "reviewed", _("Safety plan reviewed and updated")
        NOT_NEEDED = "not_needed", _("Not needed (no risk identified)")
        # The emergency department or the program taking over writes it with the client.
        REFERRED_ON = "referred_on", _("Left to the receiving service (emergency or higher level of care)")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="risk_assessments")
    cssrs_screen = models.CharField(_("C-SSRS screen result"), max_length=10, choices=ScreenResult.choices)
    disposition = models.CharField(max_length=24, choices=Disposition.choices)
    safety_plan = models.CharField(max_length=12, choices=SafetyPlan.choices)
    family_contacted = models.BooleanField(_("Family contacted"), default=False)
    notes = models.TextField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    objects = RiskAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(safety_plan="not_needed") | Q(cssrs_screen="no_risk"),
                name="risk_needs_safety_plan",
            ),
            models.CheckConstraint(condition=~Q(notes=""), name="risk_assessment_has_notes"),
            # A client going home leaves with a safety plan; only another service takes it on.
            models.CheckConstraint(
                condition=~Q(safety_plan="referred_on")
                | Q(disposition__in=["higher_level_of_care", "emergency_evaluation"]),
                name="plan_left_to_another_service_only_when_referred_on",
            ),
        ]

    def __str__(self):
        return f"Risk assessment for {self.client} by {self.assessed_by}"


ANY_UNHANDLED_MEMO = "any_unhandled_safety_alert"


def any_unhandled():
    """Whether any alert at all is still unhandled (most of the time none is), asked
    once per request: the layout's banner and a page's own list of alerts share the
    answer, and a page reads its alerts only when there are some."""
    return request_memo.once(ANY_UNHANDLED_MEMO, SafetyAlert.objects.unhandled().exists)


@receiver(post_save, sender=SafetyAlert)
@receiver(post_delete, sender=SafetyAlert)
def _ask_again_about_unhandled_alerts(**_kwargs):
    # An alert raised, handled or removed during a request is seen by the rest of it.
    request_memo.forget(ANY_UNHANDLED_MEMO)
