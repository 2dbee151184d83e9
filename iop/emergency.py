"""Emergency access ("break the glass"): a clinician opens a client outside
their cohorts by stating a reason. It grants access for the program's set
hours, is audited (break_glass, by the grant's own signal), shows on the
client's lead clinician's home page, and waits in the privacy review until
someone marks it reviewed."""

import datetime

from django.db.models import Q
from django.utils import timezone

from .models import ClientAccessGrant, Program

#: How long a break-the-glass stays on the lead clinician's home page.
SHOWN_TO_LEAD_DAYS = 14


def break_glass(user, client, reason):
    now = timezone.now()
    return ClientAccessGrant.objects.create(
        client=client,
        grantee=user,
        granted_by=user,
        kind=ClientAccessGrant.Kind.EMERGENCY,
        reason=reason,
        starts_at=now,
        expires_at=now + datetime.timedelta(hours=Program.current().emergency_access_hours),
    )


def mark_reviewed(grant, by):
    if grant.reviewed_at is None:
        grant.reviewed_at, grant.reviewed_by = timezone.now(), by
        grant.save(update_fields=["reviewed_at", "reviewed_by"])
    return grant


def awaiting_review():
    return _emergency().filter(reviewed_at__isnull=True).order_by("starts_at")


def recently_reviewed(limit=10):
    return _emergency().filter(reviewed_at__isnull=False).order_by("-reviewed_at")[:limit]


def on_lead_clinicians_home(user):
    """Break-the-glass accesses to the clients ``user`` leads, recent or not yet reviewed."""
    since = timezone.now() - datetime.timedelta(days=SHOWN_TO_LEAD_DAYS)
    leads = Q(client__lead_clinician=user) | Q(client__cohort__lead_clinician=user)
    return _emergency().filter(leads).filter(Q(starts_at__gte=since) | Q(reviewed_at__isnull=True)).distinct()


def _emergency():
    return ClientAccessGrant.objects.filter(kind=ClientAccessGrant.Kind.EMERGENCY).select_related(
        "client", "grantee", "reviewed_by"
    )
