"""Access to a client for a clinician outside the client's team, granted by the
program office: for a named reason, until a named day, revocable at once. The
grant's own signals (iop/signals.py) record ``grant_access`` and ``revoke_grant``
in the audit trail; break-the-glass access lives in ``iop.emergency``."""

import datetime

from django.utils import timezone

from groups.models import local_midnight

from .models import ClientAccessGrant

#: The longest a grant may run: a review of who still needs it at least this often.
LONGEST_GRANT_DAYS = 180
DEFAULT_GRANT_DAYS = 30


def team_ids(client):
    """Ids of the people who reach ``client`` without a grant: the client's lead
    clinician, and the lead and co-facilitators of the client's cohort."""
    ids = {client.lead_clinician_id}
    if client.cohort_id:
        cohort = client.cohort
        ids |= {cohort.lead_clinician_id, *cohort.co_facilitators.values_list("pk", flat=True)}
    return ids - {None}


def active_grant(user, client, now=None):
    now = now or timezone.now()
    return (
        ClientAccessGrant.objects.filter(
            client=client, grantee=user, kind=ClientAccessGrant.Kind.GRANTED, starts_at__lte=now, expires_at__gt=now
        )
        .order_by("-expires_at")
        .first()
    )


def end_of(day):
    """The clinic's midnight at the end of ``day``: access runs through that day."""
    return local_midnight(day + datetime.timedelta(days=1))


def grant(client, grantee, by, reason, until):
    """The office's grant: through the end of ``until``."""
    return open_grant(client, grantee, by, ClientAccessGrant.Kind.GRANTED, reason, timezone.now(), end_of(until))


def open_grant(client, grantee, by, kind, reason, starts_at, expires_at):
    """A grant of either kind (its signal writes the audit entry)."""
    return ClientAccessGrant.objects.create(
        client=client,
        grantee=grantee,
        granted_by=by,
        kind=kind,
        reason=reason,
        starts_at=starts_at,
        expires_at=expires_at,
    )


def revoke(grant):
    """End ``grant`` now (kept, with its dates, for the record)."""
    now = timezone.now()
    if grant.expires_at > now:
        grant.expires_at = max(now, grant.starts_at + datetime.timedelta(microseconds=1))
        grant.save(update_fields=["expires_at"])
    return grant


def for_client(client, now=None):
    """(active, ended) grants of every kind to ``client``, newest first; ended ones
    from the last 90 days."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=90)
    grants = list(
        ClientAccessGrant.objects.filter(client=client, expires_at__gt=since)
        .select_related("grantee", "granted_by")
        .order_by("-starts_at")
    )
    for grant in grants:
        # A grant runs through its last day: shown as that day, not the midnight after.
        grant.through = timezone.localdate(grant.expires_at - datetime.timedelta(microseconds=1))
    active = [g for g in grants if g.starts_at <= now < g.expires_at]
    ended = [g for g in grants if g.expires_at <= now]
    return active, ended
