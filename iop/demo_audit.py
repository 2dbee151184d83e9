"""The demo clinic's audit history: three weeks of sign-ins, chart views and
family portal visits, and one break-the-glass by the Tweens lead on a Teens
client, not yet reviewed. Written once, in time order, through ``record`` so
the chain stays valid (run ``manage.py verify_audit``)."""

import datetime
from contextlib import contextmanager

from auditlog.context import auditlog_value
from django.utils import timezone

from . import audit
from .models import AuditEntry, Client, ClientAccessGrant, Program, User

HISTORY_DAYS = 21
EVENINGS = (0, 1, 2, 3)  # Monday to Thursday
CLINIC_DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 19_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"

# (email, cohort, sign-in time, how many charts opened an evening)
EVENING_STAFF = [
    ("clinician@demo.clinic", "teens", datetime.time(16, 50), 4),
    ("tweens.lead@demo.clinic", "tweens", datetime.time(16, 45), 4),
    ("cofacilitator@demo.clinic", "teens", datetime.time(17, 10), 2),
    ("tweens.cofacilitator@demo.clinic", "tweens", datetime.time(17, 5), 2),
]
BREAK_GLASS_REASON = (
    "Covering Teens group tonight while Jordan is out sick; Sofia disclosed thoughts of self-harm at "
    "check-in and I need her safety plan and recent scores before she goes home."
)


def history_start(today):
    day = today - datetime.timedelta(days=HISTORY_DAYS)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 0)))


def seed(today, log):
    if ClientAccessGrant.objects.filter(kind=ClientAccessGrant.Kind.EMERGENCY).exists():
        return  # written on the first run; the trail is never rewritten
    people = {user.email: user for user in User.objects.filter(email__endswith="@demo.clinic")}
    clients = {
        slug: list(Client.objects.filter(cohort__slug=slug, status=Client.Status.ADMITTED).order_by("chart_number"))
        for slug in ("teens", "tweens")
    }
    before = AuditEntry.objects.count()
    for offset in range(HISTORY_DAYS, 0, -1):
        day = today - datetime.timedelta(days=offset)
        if day.weekday() in (0, 2):
            _admin_morning(day, people["admin@demo.clinic"], clients["teens"] + clients["tweens"], offset)
        if day.weekday() in EVENINGS:
            for n, (email, slug, signed_in, charts) in enumerate(EVENING_STAFF):
                _evening(day, people[email], signed_in, _rotate(clients[slug], offset + n, charts), n)
        if offset == 3:
            _break_glass(day, people["tweens.lead@demo.clinic"], Client.objects.get(chart_number="T-1003"))
        if day.weekday() == 2:
            _family_visit(day, people["parent@demo.clinic"], Client.objects.get(chart_number="T-1001"), offset)
    log(f"audit history: {AuditEntry.objects.count() - before} entries over {HISTORY_DAYS} days, one break-the-glass")


def _at(day, time, minutes=0):
    moment = datetime.datetime.combine(day, time) + datetime.timedelta(minutes=minutes)
    return timezone.make_aware(moment)


@contextmanager
def _signed_in(user, address, agent):
    """As if ``user`` were making requests from ``address``: what the audit middleware captures."""
    token = auditlog_value.set({"actor": user, "remote_addr": address, "user_agent": agent})
    try:
        yield
    finally:
        auditlog_value.reset(token)


def _write(when, event, obj, **fields):
    with audit.written_at(when):
        return audit.record(event, obj, **fields)


def _evening(day, user, signed_in, charts, n):
    with _signed_in(user, f"10.20.0.{21 + n}", CLINIC_DESKTOP):
        _write(_at(day, signed_in), "login", user, actor=user)
        for i, client in enumerate(charts):
            _write(_at(day, signed_in, 12 + 25 * i), "view_chart", client)
            if i == 0:
                _write(_at(day, signed_in, 15), "view_measures", client)
        _write(_at(day, datetime.time(20, 40), n), "logout", user, actor=user)


def _admin_morning(day, admin, clients, offset):
    with _signed_in(admin, "10.20.0.10", CLINIC_DESKTOP):
        _write(_at(day, datetime.time(9, 15)), "login", admin, actor=admin)
        _write(_at(day, datetime.time(9, 20)), "view_profile", clients[offset % len(clients)])
        _write(_at(day, datetime.time(9, 48)), "logout", admin, actor=admin)


def _family_visit(day, parent, child, offset):
    with _signed_in(None, "203.0.113.54", PHONE):
        if offset > 14:  # a mistyped password once, the first week
            with audit.written_at(_at(day, datetime.time(21, 2))):
                audit.record("login_failed", parent, outcome=AuditEntry.Outcome.REFUSED)
    with _signed_in(parent, "203.0.113.54", PHONE):
        _write(_at(day, datetime.time(21, 4)), "login", parent, actor=parent)
        _write(_at(day, datetime.time(21, 5)), "family_view", child, page="home")


def _break_glass(day, clinician, client):
    """Opened outside her cohort, with a reason; the grant ran out eight hours later."""
    starts = _at(day, datetime.time(18, 40))
    hours = Program.current().emergency_access_hours
    with _signed_in(clinician, "10.20.0.22", CLINIC_DESKTOP), audit.written_at(starts):
        ClientAccessGrant.objects.create(
            client=client,
            grantee=clinician,
            granted_by=clinician,
            kind=ClientAccessGrant.Kind.EMERGENCY,
            reason=BREAK_GLASS_REASON,
            starts_at=starts,
            expires_at=starts + datetime.timedelta(hours=hours),
        )
        _write(_at(day, datetime.time(18, 41)), "view_chart", client)
        _write(_at(day, datetime.time(18, 43)), "view_measures", client)


def _rotate(items, start, count):
    if not items:
        return []
    return [items[(start + i) % len(items)] for i in range(min(count, len(items)))]
