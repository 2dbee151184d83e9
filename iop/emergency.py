"""Emergency access ("break the glass"): a clinician opens a client outside
their cohorts by stating a reason. It grants access for the program's set
hours, read-only, is audited (break_glass, by the grant's own signal), shows
on the client's lead clinician's home page, and waits in the privacy review
until someone marks it reviewed."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from . import grants
from .models import Client, ClientAccessGrant, Program
from .prepared import now_of

#: Apps whose records a break-the-glass access may read but never write.
READ_ONLY_APPS = ("clinicians", "groups", "families")

#: Why a write is refused under emergency access.
READ_ONLY = gettext_lazy("Emergency access is read-only: ask the client's team to record this.")

#: How long a break-the-glass stays on the lead clinician's home page.
SHOWN_TO_LEAD_DAYS = 14


def break_glass(user, client, reason):
    now = timezone.now()
    expires_at = now + datetime.timedelta(hours=Program.current().emergency_access_hours)
    return grants.open_grant(client, user, user, ClientAccessGrant.Kind.EMERGENCY, reason, now, expires_at)


def open_until(user):
    """For a query of clients: when ``user``'s open emergency access to each ends,
    or None (nearly always; ``read_only_until`` then costs no query)."""
    now = now_of(user)
    grants = ClientAccessGrant.objects.filter(
        client=OuterRef("pk"),
        grantee=user,
        kind=ClientAccessGrant.Kind.EMERGENCY,
        starts_at__lte=now,
        expires_at__gt=now,
    )
    return Subquery(grants.order_by("-expires_at").values("expires_at")[:1])


def read_only_until(user, client):
    """When ``user``'s read-only emergency access to ``client`` ends, or None if
    ``user`` reads (and writes) the client's record as one of the team. ``client``
    comes annotated with ``emergency_until`` (``open_until``)."""
    until = getattr(client, "emergency_until", None)
    if until is None or client.pk not in emergency_only_clients(user):
        return None
    return until


def end(user, client):
    """End ``user``'s open emergency access to ``client`` now (the clinician is done:
    the record closes before its hours are up). The grants stay for the review."""
    now = timezone.now()
    ended = ClientAccessGrant.objects.filter(
        client=client, grantee=user, kind=ClientAccessGrant.Kind.EMERGENCY, starts_at__lte=now, expires_at__gt=now
    )
    ended = list(ended)
    for grant in ended:
        grants.revoke(grant)
    return ended


def mark_reviewed(grant, by):
    if grant.reviewed_at is None:
        grant.reviewed_at, grant.reviewed_by = timezone.now(), by
        grant.save(update_fields=["reviewed_at", "reviewed_by"])
    return grant


def for_review(limit=10):
    """The privacy review's two lists, read in one query: every emergency access
    awaiting review (oldest first) and the ``limit`` last reviewed (newest review first)."""
    recent = ClientAccessGrant.objects.filter(kind=ClientAccessGrant.Kind.EMERGENCY, reviewed_at__isnull=False)
    recent = recent.order_by("-reviewed_at").values("pk")[:limit]
    grants = list(_emergency().filter(Q(reviewed_at__isnull=True) | Q(pk__in=recent)).order_by("starts_at"))
    awaiting = [grant for grant in grants if grant.reviewed_at is None]
    reviewed = [grant for grant in grants if grant.reviewed_at is not None]
    return awaiting, sorted(reviewed, key=lambda grant: (grant.reviewed_at, grant.starts_at), reverse=True)


def shown(grants):
    """The grants with what the lists of emergency accesses print worked out once, in Python."""
    grants = list(grants)
    for grant in grants:
        grant.grantee_name = str(grant.grantee)
        grant.client_name, grant.client_chart = grant.client.display_name, grant.client.chart_number
        grant.starts, grant.ends = _to_the_minute(grant.starts_at), _to_the_minute(grant.expires_at)
        grant.open_now = grant.is_active
        if grant.reviewed_at:
            grant.reviewer, grant.reviewed = str(grant.reviewed_by), _to_the_minute(grant.reviewed_at)
        else:
            grant.review_url = reverse("emergency_review", args=[grant.pk])
            grant.history_url = reverse("client_access_history", args=[grant.client_id])
    return grants


def _to_the_minute(moment):
    return date_format(timezone.localtime(moment), "D j M Y, H:i")


def on_lead_clinicians_home(user):
    """Break-the-glass accesses to the clients ``user`` leads, recent or not yet reviewed.
    Most home pages have none: a short query of ids says whether there are any before
    the grants are read with their clients and people."""
    since = timezone.now() - datetime.timedelta(days=SHOWN_TO_LEAD_DAYS)
    leads = Q(client__lead_clinician=user) | Q(client__cohort__lead_clinician=user)
    # Both paths are to-one joins (client, its cohort): each grant comes once.
    to_my_clients = ClientAccessGrant.objects.filter(kind=ClientAccessGrant.Kind.EMERGENCY).filter(leads)
    shown_now = to_my_clients.filter(Q(starts_at__gte=since) | Q(reviewed_at__isnull=True))
    found = list(shown_now.values_list("pk", flat=True))
    if not found:
        return []
    return list(_emergency().filter(pk__in=found))


def _emergency():
    return ClientAccessGrant.objects.filter(kind=ClientAccessGrant.Kind.EMERGENCY).select_related(
        "client", "grantee", "reviewed_by"
    )


def emergency_only_clients(user):
    """Ids of the clients ``user`` reaches only through an active emergency
    grant: readable, never writable. One query for someone holding none."""
    now = timezone.now()
    emergency = set(
        ClientAccessGrant.objects.filter(
            grantee=user, kind=ClientAccessGrant.Kind.EMERGENCY, starts_at__lte=now, expires_at__gt=now
        ).values_list("client_id", flat=True)
    )
    if not emergency:
        return frozenset()
    ordinary = Client.objects.filter(pk__in=emergency).filter(
        Q(cohort__lead_clinician=user)
        | Q(cohort__co_facilitators=user)
        | Q(lead_clinician=user)
        | Q(
            access_grants__grantee=user,
            access_grants__starts_at__lte=now,
            access_grants__expires_at__gt=now,
            access_grants__kind=ClientAccessGrant.Kind.GRANTED,
        )
    )
    return frozenset(emergency - set(ordinary.values_list("pk", flat=True)))


#: Records of a safety alert's handling: written by whoever the program puts on the
#: alert, chart or not (see ``handles_alerts_by_role``).
ALERT_HANDLING = ("clinicians.safetyalert", "clinicians.riskassessment")


def refuse_writes_under_emergency_access(user, instance):
    """Called before a record of the clinical side is saved or deleted in a request,
    and by views that change rows in bulk: a clinician who reaches its client only
    by breaking the glass may not change it."""
    refuse_unless_writable(user, client_of(instance), instance._meta.label_lower)


def refuse_unless_writable(user, client_id, label=""):
    """PermissionDenied if ``user`` reaches client ``client_id`` only by breaking the
    glass. The alert's owner, the on-call clinician and the director (of an escalated
    alert) still acknowledge and close the client's open alert: breaking the glass to
    read the chart first must not stop them."""
    if client_id is None or not getattr(user, "is_clinician", False) or user.is_superuser:
        return
    # Worked out once per request (the user object lives as long as the request).
    if not hasattr(user, "_emergency_only_clients"):
        user._emergency_only_clients = emergency_only_clients(user)
    if client_id not in user._emergency_only_clients:
        return
    if label in ALERT_HANDLING and handles_alerts_by_role(user, client_id):
        return
    raise PermissionDenied(READ_ONLY)


def handles_alerts_by_role(user, client_id):
    """Whether one of the client's open safety alerts is ``user``'s by the program's
    roles: its owner, the on-call clinician, or the director once it has escalated."""
    from clinicians.models import SafetyAlert

    program = Program.current()
    alerts = SafetyAlert.objects.filter(client_id=client_id).unhandled()
    if program.on_call_clinician_id == user.pk:
        return alerts.exists()
    mine = Q(owner=user)
    if program.director_id == user.pk:
        mine |= Q(escalated_at__isnull=False)
    return alerts.filter(mine).exists()


def client_of(instance):
    """The client a record concerns: its own client, or its plan's or session entry's."""
    for path in ("client_id", "plan", "note", "entry"):
        value = getattr(instance, path, None)
        if path == "client_id":
            if value is not None:
                return value
        elif value is not None and getattr(value, "client_id", None) is not None:
            return value.client_id
    return None
