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
        moments = []  # (when, who, address, agent, event, record, details): written in time order
        if day.weekday() in (0, 2):
            moments += _admin_morning(day, people["admin@demo.clinic"], clients["teens"] + clients["tweens"], offset)
        if day.weekday() in EVENINGS:
            for n, (email, slug, signed_in, charts) in enumerate(EVENING_STAFF):
                moments += _evening(day, people[email], signed_in, _rotate(clients[slug], offset + n, charts), n)
        if day.weekday() == 2:
            moments += _family_visit(
                day, people["parent@demo.clinic"], Client.objects.get(chart_number="T-1001"), offset
            )
        if offset == 3:
            moments += _break_glass(day, people["tweens.lead@demo.clinic"], Client.objects.get(chart_number="T-1003"))
        for when, who, address, agent, write in sorted(moments, key=lambda moment: moment[0]):
            with _signed_in(who, address, agent), audit.written_at(when):
                write()
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


def _evening(day, user, signed_in, charts, n):
    at_desk = (user, f"10.20.0.{21 + n}", CLINIC_DESKTOP)
    moments = [(_at(day, signed_in), *at_desk, _do("login", user, actor=user))]
    for i, client in enumerate(charts):
        moments.append((_at(day, signed_in, 12 + 25 * i), *at_desk, _do("view_chart", client)))
        if i == 0:
            moments.append((_at(day, signed_in, 15), *at_desk, _do("view_measures", client)))
    moments.append((_at(day, datetime.time(20, 40), n), *at_desk, _do("logout", user, actor=user)))
    return moments


def _admin_morning(day, admin, clients, offset):
    at_desk = (admin, "10.20.0.10", CLINIC_DESKTOP)
    return [
        (_at(day, datetime.time(9, 15)), *at_desk, _do("login", admin, actor=admin)),
        (_at(day, datetime.time(9, 20)), *at_desk, _do("view_profile", clients[offset % len(clients)])),
        (_at(day, datetime.time(9, 48)), *at_desk, _do("logout", admin, actor=admin)),
    ]


def _family_visit(day, parent, child, offset):
    on_phone = (parent, "203.0.113.54", PHONE)
    moments = [
        (_at(day, datetime.time(21, 4)), *on_phone, _do("login", parent, actor=parent)),
        (_at(day, datetime.time(21, 5)), *on_phone, _do("family_view", child, page="home")),
    ]
    if offset > 14:  # a mistyped password once, the first week
        failed = _do("login_failed", parent, outcome=AuditEntry.Outcome.REFUSED)
        moments.append((_at(day, datetime.time(21, 2)), None, "203.0.113.54", PHONE, failed))
    return moments


def _break_glass(day, clinician, client):
    """Opened outside her cohort, with a reason; the grant ran out eight hours later."""
    starts = _at(day, datetime.time(18, 40))
    hours = Program.current().emergency_access_hours
    at_desk = (clinician, "10.20.0.22", CLINIC_DESKTOP)

    def open_grant():
        ClientAccessGrant.objects.create(
            client=client,
            grantee=clinician,
            granted_by=clinician,
            kind=ClientAccessGrant.Kind.EMERGENCY,
            reason=BREAK_GLASS_REASON,
            starts_at=starts,
            expires_at=starts + datetime.timedelta(hours=hours),
        )

    return [
        (starts, *at_desk, open_grant),
        (_at(day, datetime.time(18, 41)), *at_desk, _do("view_chart", client)),
        (_at(day, datetime.time(18, 43)), *at_desk, _do("view_measures", client)),
    ]


def _do(event, obj, **fields):
    return lambda: audit.record(event, obj, **fields)


def _rotate(items, start, count):
    if not items:
        return []
    return [items[(start + i) % len(items)] for i in range(min(count, len(items)))]
