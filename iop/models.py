"""The shared core: accounts and roles, the program's settings, the client
(the teen or tween in treatment), access grants, and the audit trail."""

import datetime
import hashlib
import json
from contextvars import ContextVar

from auditlog.context import auditlog_value
from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import request_memo
from .prepared import now_of

# --- Accounts -----------------------------------------------------------------


def choice_label(choices, value):
    """What ``get_FOO_display()`` gives for ``value`` of a field with ``choices`` (an
    enum): its label, or the value itself if it is not one of them. Django's rebuilds
    and translates every label of the field on each call (20 µs); a model whose label
    shows once per row of a long list (the chart's timeline) defines its
    ``get_FOO_display`` with this."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class Role(models.TextChoices):
    CLINICIAN = "clinician", _("Clinician")
    PROGRAM_ADMIN = "program_admin", _("Program admin")
    FAMILY = "family", _("Family member")


class Credential(models.TextChoices):
    LCSW = "LCSW", "LCSW"
    LPC = "LPC", "LPC"
    LMFT = "LMFT", "LMFT"
    PSYCHOLOGIST = "PhD", "Psychologist (PhD/PsyD)"
    PSYCHIATRIST = "MD", "Psychiatrist (MD/DO)"
    NP = "NP", "Psychiatric nurse practitioner (NP)"
    OTHER = "other", "Other"


#: Credentials allowed to write medication-management notes.
PRESCRIBER_CREDENTIALS = frozenset({Credential.PSYCHIATRIST, Credential.NP})


class EmailUserManager(UserManager):
    """Users log in with their email address; there is no username."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """One person, one account. ``role`` decides which side of the app they use;
    ``is_superuser`` additionally opens the Django admin."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    credential = models.CharField(
        max_length=10, choices=Credential.choices, blank=True, help_text=_("Clinicians only.")
    )
    phone = models.CharField(max_length=32, blank=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    is_privacy_officer = models.BooleanField(
        default=False, help_text=_("May review the audit trail and every client's access history.")
    )
    # How this person may be reached (iop/delivery.py reads these before every send).
    sms_consent = models.BooleanField(_("agrees to text messages"), default=False)
    sms_consent_at = models.DateTimeField(_("consent to texts given on"), null=True, blank=True)
    reminders_opt_out = models.BooleanField(
        _("no reminders"), default=False, help_text=_("Send this person no reminders or notices at all.")
    )
    do_not_contact = models.BooleanField(
        _("do not contact"),
        default=False,
        help_text=_("Set by a clinician when contact at home may be unsafe: nothing is sent."),
    )
    do_not_contact_reason = models.TextField(blank=True)
    # The child from whose care "do not contact" was set: that child's team lifts it
    # (another child's team may not know why it was set). Empty: any linked child's team.
    do_not_contact_for = models.ForeignKey(
        "iop.Client", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = EmailUserManager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credential="") | Q(role="clinician"), name="credential_only_for_clinicians"
            ),
            models.CheckConstraint(
                condition=Q(sms_consent=False) | Q(sms_consent_at__isnull=False), name="sms_consent_has_date"
            ),
            models.CheckConstraint(
                condition=Q(do_not_contact=False) | ~Q(do_not_contact_reason=""), name="do_not_contact_has_reason"
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        name = self.get_full_name() or self.email
        return f"{name}, {self.credential}" if self.credential else name

    @property
    def is_clinician(self):
        return self.role == Role.CLINICIAN

    @property
    def is_program_admin(self):
        return self.role == Role.PROGRAM_ADMIN

    @property
    def is_family(self):
        return self.role == Role.FAMILY

    @property
    def is_prescriber(self):
        return self.is_clinician and self.credential in PRESCRIBER_CREDENTIALS

    @property
    def is_staff_member(self):
        return self.is_clinician or self.is_program_admin or self.is_superuser

    def clean(self):
        super().clean()
        if self.do_not_contact and not self.do_not_contact_reason.strip():
            raise ValidationError({"do_not_contact_reason": _("Say why this person must not be contacted.")})
        if self.sms_consent and not self.sms_consent_at:
            self.sms_consent_at = timezone.now()

    def give_sms_consent(self, when=None):
        self.sms_consent = True
        self.sms_consent_at = when or timezone.now()


# --- The program ------------------------------------------------------------------


#: The range a program could sensibly choose for each of its numbers, so a slip of the
#: keyboard (150 minutes before an alert escalates) is refused, by the form and the database.
PROGRAM_RANGES = {
    "plan_review_days": (7, 90),
    "alert_escalation_minutes": (5, 60),
    "phq_due_days": (7, 30),
    "max_clients_per_staff": (2, 12),
    "emergency_access_hours": (1, 24),
}


def _within(name):
    low, high = PROGRAM_RANGES[name]
    return [MinValueValidator(low), MaxValueValidator(high)]


class Program(models.Model):
    """The clinic's program and its settings. There is one row (``Program.current()``)."""

    name = models.CharField(max_length=120, default="Evening IOP")
    clinic_name = models.CharField(max_length=120, default="The clinic")
    address = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    plan_review_days = models.PositiveSmallIntegerField(
        _("Plan review every (days)"),
        default=30,
        validators=_within("plan_review_days"),
        help_text=_("Treatment plans are reviewed at least this often (days)."),
    )
    alert_escalation_minutes = models.PositiveSmallIntegerField(
        _("Alert escalates after (minutes)"),
        default=15,
        validators=_within("alert_escalation_minutes"),
        help_text=_("An unacknowledged safety alert escalates after this many minutes."),
    )
    phq_due_days = models.PositiveSmallIntegerField(
        _("PHQ due every (days)"),
        default=7,
        validators=_within("phq_due_days"),
        help_text=_("A PHQ-9/PHQ-A is due this many days after the last one."),
    )
    max_clients_per_staff = models.PositiveSmallIntegerField(
        _("Clients per facilitator"),
        default=6,
        validators=_within("max_clients_per_staff"),
        help_text=_("Warn when a session has more clients per facilitator than this."),
    )
    quiet_hours_start = models.TimeField(
        _("Quiet hours start"),
        default=datetime.time(21, 0),
        help_text=_("Reminders and notices wait from this time; safety alerts never wait."),
    )
    quiet_hours_end = models.TimeField(
        _("Quiet hours end"), default=datetime.time(8, 0), help_text=_("...until this time.")
    )
    emergency_access_hours = models.PositiveSmallIntegerField(
        _("Emergency access lasts (hours)"),
        default=8,
        validators=_within("emergency_access_hours"),
        help_text=_("How long a break-the-glass access lasts (hours)."),
    )
    on_call_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("On-call clinician"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Told of every safety alert at once, with the client's lead, and sees them all."),
    )
    director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Program director"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Told when an alert escalates, and sees escalated alerts."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(**{f"{name}__range": bounds}), name=f"program_{name}_in_range")
            for name, bounds in PROGRAM_RANGES.items()
        ]

    def __str__(self):
        return self.name

    @classmethod
    def current(cls):
        """The program row; read once per request (a page asks for it from its
        layout and its content), and from the database every time outside one."""
        return request_memo.once(PROGRAM_MEMO, lambda: cls.objects.get_or_create(pk=1)[0])


PROGRAM_MEMO = "program"


@receiver(post_save, sender=Program)
def _reread_request_program(**_kwargs):
    # A change saved during a request is read back fresh by the rest of it.
    request_memo.forget(PROGRAM_MEMO)


# --- Clients ------------------------------------------------------------------------


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The clients ``user`` may see at all. Every view of client data starts here."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.is_program_admin:
            return self.all()
        if user.is_clinician:
            # Subqueries rather than joins: no duplicate rows, so no DISTINCT over
            # every column, and a plan the database makes quickly.
            now = now_of(user)
            cohorts = self.model._meta.get_field("cohort").related_model.objects.worked_by(user)
            granted = ClientAccessGrant.objects.filter(grantee=user, starts_at__lte=now, expires_at__gt=now)
            return self.filter(
                Q(cohort__in=cohorts.values("pk")) | Q(lead_clinician=user) | Q(pk__in=granted.values("client_id"))
            )
        if user.is_family:
            links = self.model._meta.get_field("family_links").related_model.objects
            return self.filter(pk__in=links.filter(family_member=user, portal_suspended=False).values("client_id"))
        return self.none()

    def clinical_for(self, user):
        """Clients whose clinical record (notes, scores, plans) ``user`` may read.
        Program admins see scheduling and demographics only, never clinical content."""
        if user.is_authenticated and (user.is_clinician or user.is_superuser):
            return self.visible_to(user)
        return self.none()

    def writable_clinical_for(self, user):
        """Clients whose clinical record ``user`` may also change: ``clinical_for``
        less those reached only by breaking the glass, which is read-only
        (``iop.emergency``; saves and deletes are refused there too)."""
        from .emergency import emergency_only_clients

        clients = self.clinical_for(user)
        read_only = emergency_only_clients(user) if user.is_authenticated else frozenset()
        return clients.exclude(pk__in=read_only) if read_only else clients

    def open_clinical(self, user, pk):
        """The client ``pk`` if ``user`` may read their clinical record (else
        ``Client.DoesNotExist``), marked as opened by ``user``: queries of this one
        client's records through ``ClientRecordsQuerySet.of_opened`` then need not
        repeat the visibility subquery this lookup has just applied."""
        return mark_opened(self.clinical_for(user).get(pk=pk), user)


class ClientRecordsQuerySet(models.QuerySet):
    """Rows that belong to one client (through ``client_path``), seen through the
    model's ``visible_to``."""

    client_path = "client"

    def of_opened(self, client, user):
        """``client``'s rows that ``user`` may see. For a client opened for ``user``
        (read through ``clinical_for(user)`` and marked by ``mark_opened``, as
        ``Client.objects.open_clinical`` and the chart's ``clinical_client`` do) every row of the client is
        visible (each ``visible_to`` admits all rows of a client whose clinical
        record the user may read), so the lookup is by client alone; any other
        client object goes through ``visible_to`` in full."""
        return self.of_client(client, user, opened=is_opened(client, user))

    def of_client(self, client, user, *, opened):
        """``of_opened`` with its test done by the caller (``is_opened``): for a
        prepared query, where the client and the reader are placeholders."""
        rows = self if opened else self.visible_to(user)
        return rows.filter(**{self.client_path: client})


def mark_opened(client, user):
    """``client``, just read through ``clinical_for(user)``, marked as opened by ``user``."""
    client.opened_clinically_by = user.pk
    return client


def is_opened(client, user):
    """Whether ``client`` was read through ``clinical_for(user)`` and marked by ``mark_opened``."""
    return user.is_authenticated and getattr(client, "opened_clinically_by", None) == user.pk


class Client(models.Model):
    class Status(models.TextChoices):
        REFERRED = "referred", _("Referred")
        ADMITTED = "admitted", _("Admitted")
        DISCHARGED = "discharged", _("Discharged")

    chart_number = models.CharField(max_length=20, unique=True)
    legal_first_name = models.CharField(max_length=60)
    legal_last_name = models.CharField(max_length=60)
    preferred_name = models.CharField(max_length=60, blank=True)
    pronouns = models.CharField(max_length=30, blank=True)
    date_of_birth = models.DateField()
    school = models.CharField(max_length=120, blank=True)
    grade = models.CharField(max_length=10, blank=True)
    # The teen's own contact details, kept apart from the family's.
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    cohort = models.ForeignKey("groups.Cohort", null=True, blank=True, on_delete=models.PROTECT, related_name="clients")
    lead_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_clients",
        limit_choices_to={"role": Role.CLINICIAN},
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REFERRED)
    admitted_on = models.DateField(null=True, blank=True)
    discharged_on = models.DateField(null=True, blank=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(admitted_on__isnull=False),
                name="discharge_needs_admission",
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=models.F("admitted_on")),
                name="discharge_after_admission",
            ),
            # Chart numbers are looked up whatever their case (a clinician types "t-1001").
            models.UniqueConstraint(
                Upper("chart_number"),
                name="chart_number_unique_whatever_case",
                violation_error_message=_("Another client has this chart number."),
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def first_name(self):
        return self.preferred_name or self.legal_first_name

    @property
    def display_name(self):
        return f"{self.first_name} {self.legal_last_name}"

    @property
    def legal_name(self):
        return f"{self.legal_first_name} {self.legal_last_name}"

    def age_on(self, day):
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years

    @property
    def age(self):
        return self.age_on(timezone.localdate())

    def week_of_stay(self, day=None):
        """Week N of the current episode (week 1 starts on the admission day)."""
        if not self.admitted_on:
            return None
        day = day or timezone.localdate()
        end = self.discharged_on or day
        return max(1, (min(day, end) - self.admitted_on).days // 7 + 1)


class ClientAccessGrant(models.Model):
    """Access to one client for a clinician outside that client's cohort: granted
    by an admin, or taken in an emergency ("break the glass") with a reason.
    Always expiring, always audited."""

    class Kind(models.TextChoices):
        GRANTED = "granted", _("Granted")
        EMERGENCY = "emergency", _("Emergency access")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="access_grants")
    grantee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.TextField()
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("starts_at")), name="grant_expires_after_start"),
            models.CheckConstraint(condition=~Q(reason=""), name="grant_has_reason"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.grantee} -> {self.client}"

    @property
    def is_active(self):
        return self.starts_at <= timezone.now() < self.expires_at


# --- Audit trail ------------------------------------------------------------------


class AuditEntry(AbstractLogEntry):
    """One audited event, chained to the previous entry by SHA-256.

    Built on django-auditlog (actor and address capture, change diffs); adds the
    domain event, the client the event concerns, the outcome and the hash chain.
    Entries are only ever inserted: ``save`` refuses an existing row, and on
    PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("Allowed")
        REFUSED = "refused", _("Refused")

    event = models.CharField(max_length=40, db_index=True)
    # A plain id, not a foreign key: entries must outlive (and never cascade with) records.
    client_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_role = models.CharField(max_length=20, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.ALLOWED)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta(AbstractLogEntry.Meta):
        swappable = "AUDITLOG_LOGENTRY_MODEL"
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["client_id", "timestamp"]),
            models.Index(fields=["actor", "timestamp"]),
            models.Index(fields=["event", "timestamp"]),
            # The review pages list newest first by id (the chain's order), a page at a time.
            models.Index(fields=["client_id", "id"], name="iop_audit_client_id_idx"),
            models.Index(fields=["actor", "id"], name="iop_audit_actor_id_idx"),
            models.Index(fields=["event", "id"], name="iop_audit_event_id_idx"),
            models.Index(fields=["outcome", "id"], name="iop_audit_outcome_id_idx"),
        ]
        constraints = [
            # Two entries can never follow the same one: the chain cannot fork.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_chain_never_forks"),
        ]

    EVENT_FOR_ACTION = {
        AbstractLogEntry.Action.CREATE: "create",
        AbstractLogEntry.Action.UPDATE: "update",
        AbstractLogEntry.Action.DELETE: "delete",
        AbstractLogEntry.Action.ACCESS: "view",
    }

    #: Changes to these fields of a person are role changes.
    ROLE_FIELDS = frozenset({"role", "credential", "is_active", "is_superuser", "is_staff", "is_privacy_officer"})

    def save(self, *args, **kwargs):
        """Only ever a new entry, appended to the chain (``iop.audit_append``)."""
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        self.append_all([self])

    @classmethod
    def append_all(cls, entries):
        """Several entries in one turn of the chain (a page that shows many
        records): one lock of the head, then the entries and the head's move."""
        from .audit_append import append

        entries = list(entries)
        for entry in entries:
            if entry.pk is not None:
                raise ValueError("Audit entries are append-only.")
            entry._prepare_entry()
        if not entries:
            return entries
        return append(entries)

    def _link(self, head):
        """Date and chain this entry after ``head`` (the newest link), and move ``head`` on to it."""
        # Never earlier than the entry before, so time order is chain order.
        now = audit_clock.get() or timezone.now()
        self.timestamp = max(now, head.last_timestamp) if head.last_timestamp else now
        self.prev_hash = head.last_hash
        self.entry_hash = self.compute_hash()
        head.last_hash, head.last_timestamp = self.entry_hash, self.timestamp

    def _prepare_entry(self):
        self._fill_from_request_context()
        if not self.event:
            self._name_recorded_change()
        if self.actor is not None and not self.actor_email:
            self.actor_email = self.actor.email
        if self.actor is not None and not self.actor_role:
            self.actor_role = "superuser" if self.actor.is_superuser and not self.actor.role else self.actor.role
        # Store JSON exactly as it will read back, so the hash survives the round trip.
        self.changes = _json_roundtrip(self.changes)
        self.additional_data = _json_roundtrip(self.additional_data)
        self.serialized_data = None  # snapshots of clinical records do not belong in the trail
        self.object_pk = str(self.object_pk)
        self.user_agent = (self.user_agent or "")[:300]

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only.")

    def _name_recorded_change(self):
        """Entries django-auditlog writes for registered models get a domain event name."""
        self.event = self.EVENT_FOR_ACTION.get(self.action, "other")
        model = self.content_type.model_class() if self.content_type_id else None
        if model is Client and self.client_id is None and self.object_id is not None:
            self.client_id = self.object_id
        if model is User and self.action == self.Action.UPDATE and self.ROLE_FIELDS & set(self.changes or {}):
            self.event = "role_change"

    def _fill_from_request_context(self):
        try:
            context = auditlog_value.get()
        except LookupError:
            return
        if self.actor is None and context.get("actor") is not None:
            self.actor = context["actor"]
            self.actor_email = self.actor.email
        for key in ("remote_addr", "remote_port", "user_agent", "cid"):
            if not getattr(self, key, None) and context.get(key):
                setattr(self, key, context[key])

    def hashed_content(self):
        return {
            "prev": self.prev_hash,
            "timestamp": self.timestamp.astimezone(datetime.UTC).isoformat(),
            "content_type": self.content_type_id,
            "object_pk": str(self.object_pk),
            "object_repr": self.object_repr,
            "action": self.action,
            "event": self.event,
            "client": self.client_id,
            "actor": self.actor_id,
            "actor_email": self.actor_email or "",
            "actor_role": self.actor_role,
            "remote_addr": self.remote_addr or "",
            "user_agent": self.user_agent,
            "outcome": self.outcome,
            "changes": self.changes,
            "additional_data": self.additional_data,
        }

    def compute_hash(self):
        payload = json.dumps(self.hashed_content(), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


GENESIS_HASH = "0" * 64

#: The time new entries are written at, when not now. Only the demo clinic's
#: history sets it (iop.audit.written_at); an entry is still never dated before
#: the one it follows, so it cannot be slipped into the past of the chain.
audit_clock = ContextVar("audit_clock", default=None)


class AuditChainHead(models.Model):
    """The newest link of the audit chain; its row lock serialises appends."""

    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    last_timestamp = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.last_hash


def _json_roundtrip(value):
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str))


class Heartbeat(models.Model):
    """When each background process last reported in (shown to admins)."""

    name = models.CharField(max_length=20, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.seen_at:%H:%M:%S}"


# --- Reminders outbox --------------------------------------------------------------


#: What each kind of message is called on the delivery log (the kinds are named
#: where the messages are written; a kind missing here shows its code in words).
MESSAGE_KIND_LABELS = {
    "group_tonight": _("Group tonight"),
    "family_group_tomorrow": _("Family group tomorrow"),
    "family_session": _("Family session"),
    "schedule_change": _("Schedule change"),
    "closure": _("Closure"),
    "reschedule": _("Evening moved"),
    "make_up": _("Extra evening"),
    "skill_summary": _("Skill summary ready"),
    "check_in_due": _("Questionnaire due"),
    "notes_to_sign": _("Notes to sign"),
    "plan_reviews_due": _("Plan reviews due"),
    "check_ins_overdue": _("Questionnaires overdue"),
    "staff_digest": _("Morning digest"),
    "safety_alert": _("Safety alert"),
    "safety_alert_escalated": _("Safety alert escalated"),
    "family_invitation": _("Family invitation"),
    "staff_invitation": _("Staff invitation"),
    "self_report_link": _("Questionnaire link"),
}


class OutboxMessage(models.Model):
    """A message to one person, written in the same transaction as the event that
    causes it. The delivery task sends it and marks it; the idempotency key makes
    "never twice" a database constraint. States (see iop/delivery.py):

    pending -> sending (claimed by one worker) -> sent | pending (retry later) | failed;
    pending -> skipped (opted out, do not contact, no address, no consent to texts).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    idempotency_key = models.CharField(max_length=200)
    kind = models.CharField(max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="outbox_messages"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    to_address = models.CharField(max_length=254)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    urgent = models.BooleanField(default=False, help_text=_("Sent at once, even in quiet hours."))
    due_at = models.DateTimeField(default=timezone.now)
    stale_after = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("From then on the message would say something no longer true (the evening has begun): not sent."),
    )
    held_for_quiet_hours = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text=_("When a worker started sending it."))
    last_error = models.TextField(blank=True)
    skipped_reason = models.CharField(max_length=200, blank=True)
    provider_id = models.CharField(
        max_length=200, blank=True, help_text=_("The mail or SMS provider's id for the sent message.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # Every delivery updates its row twice (claimed, then sent), and each update
        # writes an entry in every index: only what is read has one. The sweep reads
        # by status and due time; the delivery log, newest first, whole or by kind.
        # The key is unique by a constraint, without the pattern index a unique
        # field also gets.
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["-created_at", "-id"], name="outbox_newest_first"),
            models.Index(fields=["kind", "-created_at", "-id"], name="outbox_kind_newest_first"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="one_message_per_key"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="sent_message_has_sent_at"
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_at__isnull=False), name="sending_message_is_claimed"
            ),
            models.CheckConstraint(
                condition=~Q(status="skipped") | ~Q(skipped_reason=""), name="skipped_message_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.kind} to {self.to_address} ({self.status})"

    @property
    def kind_label(self):
        return kind_label(self.kind)

    # The log shows fifty rows at a time: each label below is one lookup, where
    # get_status_display builds a dict of every choice's translated label per call.
    @property
    def status_label(self):
        return _label(self.Status, self.status)

    @property
    def channel_label(self):
        return _label(self.Channel, self.channel)


def _label(choices, value):
    try:
        return choices(value).label
    except ValueError:  # a value no choice has: shown as it is
        return value


def kind_label(kind):
    return MESSAGE_KIND_LABELS.get(kind) or kind.replace("_", " ").capitalize()
