"""What the audit trail costs and how it scales: the extra time an audited
chart view takes against the same view with auditing switched off; the audit
review page, the CSV export and a client's access history on a trail of a
million entries; and ``verify_audit`` over that trail.

    .venv/bin/python bench/audit.py [-n 1000000] [--views 300]

Runs in a throw-away database: a SQLite file in a temporary folder, or, with
DATABASE_URL set, a scratch PostgreSQL database created next to it and dropped
afterwards (audit entries cannot be deleted, so the bench never writes to a
real trail). The million entries are bulk-loaded in chain order, each hash
computed as ``AuditEntry.save`` computes it, so verify_audit checks a real chain."""

import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
WORK = Path(tempfile.mkdtemp(prefix="iop-bench-audit-"))
os.environ.update({"DJANGO_SETTINGS_MODULE": "iop.settings", "IOP_VAR_DIR": str(WORK), "LOG_LEVEL": "WARNING"})

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client as Browser  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from iop import audit  # noqa: E402
from iop.models import AuditChainHead, AuditEntry, Client, User  # noqa: E402

BATCH = 5000
EVENTS = ["view_chart"] * 40 + ["view_note"] * 20 + ["view_measures"] * 10 + ["login", "logout"] * 5
EVENTS += ["sign_note"] * 5 + ["family_view"] * 8 + ["view_profile"] * 5 + ["export_fhir", "break_glass"]


def scratch_database():
    """Point the connection at a new, migrated database that ``drop`` removes."""
    name = str(WORK / "bench.sqlite3") if connection.vendor == "sqlite" else f"iop_bench_audit_{os.getpid()}"
    connection.settings_dict["TEST"].update(NAME=name)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)


def drop(old_name):
    connection.creation.destroy_test_db(old_name, verbosity=0)


def a_chart(factories):
    """A client in the middle of a stay: a signed plan, notes, scores, a safety plan."""
    cohort = factories.CohortFactory(name="Teens", slug="teens")
    client = factories.ClientFactory(cohort=cohort)
    factories.signed_plan(client)
    for _ in range(12):
        note = factories.NoteFactory(client=client)
        note.sign(client.lead_clinician)
    for _ in range(6):
        factories.AdministrationFactory(client=client)
    factories.SafetyPlanFactory(client=client).sign(client.lead_clinician)
    return client


def time_chart_views(client, views):
    """Median time of one chart view, audited and not, interleaved so both see the same machine."""
    browser = Browser()
    browser.force_login(client.lead_clinician, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("clinicians:chart", args=[client.pk])
    real_record = audit.record
    timings = {"audited": [], "off": []}
    for _ in range(10):  # warm caches and templates
        assert browser.get(url).status_code == 200
    for i in range(views):
        for mode in ("audited", "off") if i % 2 else ("off", "audited"):
            audit.record = real_record if mode == "audited" else (lambda *args, **kwargs: None)
            started = time.perf_counter()
            response = browser.get(url)
            timings[mode].append(time.perf_counter() - started)
            assert response.status_code == 200
    audit.record = real_record
    return {mode: statistics.median(values) * 1000 for mode, values in timings.items()}


def time_record(client, count=500):
    started = time.perf_counter()
    for _ in range(count):
        audit.record("view_chart", client)
    return (time.perf_counter() - started) / count * 1000


def bulk_load(count, factories):
    """``count`` entries over the last year, in chain order, hashes computed as save() does."""
    staff = [factories.ClinicianFactory() for _ in range(30)] + [factories.ProgramAdminFactory() for _ in range(3)]
    families = [factories.FamilyMemberFactory() for _ in range(60)]
    clients = [factories.ClientFactory() for _ in range(200)]
    client_type = ContentType.objects.get_for_model(Client)
    user_type = ContentType.objects.get_for_model(User)
    head = AuditChainHead.objects.get_or_create(pk=1)[0]
    prev = head.last_hash
    start = timezone.now() - datetime.timedelta(days=365)
    step = datetime.timedelta(days=365) / count
    batch = []
    for n in range(count):
        event = EVENTS[n % len(EVENTS)]
        people = families if event == "family_view" else staff
        actor = people[(n * 7) % len(people)]
        client = clients[(n * 13) % len(clients)]
        on_user = event in ("login", "logout")
        entry = AuditEntry(
            content_type_id=user_type.pk if on_user else client_type.pk,
            object_pk=str(actor.pk if on_user else client.pk),
            object_id=actor.pk if on_user else client.pk,
            object_repr=str(actor if on_user else client),
            action=AuditEntry.Action.ACCESS,
            event=event,
            client_id=None if on_user else client.pk,
            actor_id=actor.pk,
            actor_email=actor.email,
            actor_role=actor.role,
            remote_addr=f"10.20.{n % 7}.{n % 200 + 1}",
            user_agent="Mozilla/5.0 (bench)",
            outcome="refused" if n % 97 == 0 else "allowed",
            timestamp=start + step * n,
            prev_hash=prev,
        )
        entry.entry_hash = entry.compute_hash()
        prev = entry.entry_hash
        batch.append(entry)
        if len(batch) == BATCH:
            insert(batch)
            batch = []
    insert(batch)
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev, last_timestamp=start + step * (count - 1))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE iop_auditentry")
    return clients, staff


def insert(entries):
    """One multi-row statement per batch (bulk_create splits SQLite batches into a dozen rows)."""
    fields = [field for field in AuditEntry._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    sql = f"INSERT INTO {AuditEntry._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    rows = [
        [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields] for entry in entries
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def time_get(browser, url, query=None, repeat=5):
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = browser.get(url, query or {})
        if response.streaming:
            size = sum(len(chunk) for chunk in response.streaming_content)
        else:
            size = len(response.content)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, query, response.status_code)
    return statistics.median(timings) * 1000, size


def review_pages(clients, staff):
    admin = User.objects.filter(role="program_admin").first()
    browser = Browser()
    browser.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    client, clinician = clients[17], staff[5]
    middle = AuditEntry.objects.order_by("pk").values_list("pk", flat=True)[AuditEntry.objects.count() // 2]
    half_year_ago = timezone.localdate() - datetime.timedelta(days=182)
    month = {"date_from": str(half_year_ago), "date_to": str(half_year_ago + datetime.timedelta(days=30))}
    audit_log, export = reverse("audit_log"), reverse("audit_export")
    cases = [
        ("audit page, newest 50", audit_log, {}),
        ("audit page, deep page (before=middle)", audit_log, {"before": middle}),
        ("audit page, one client", audit_log, {"client": client.chart_number}),
        ("audit page, one user", audit_log, {"user": clinician.email}),
        ("audit page, rare event (break_glass)", audit_log, {"event": "break_glass"}),
        ("audit page, refused only", audit_log, {"outcome": "refused"}),
        ("audit page, a month 6 months ago", audit_log, month),
        ("audit page, one client in that month", audit_log, {**month, "client": client.chart_number}),
        ("CSV export, one client in that month", export, {**month, "client": client.chart_number}),
        ("CSV export, one user's year", export, {"user": clinician.email}),
        ("access history, one client, last year", reverse("client_access_history", args=[client.pk]), {}),
    ]
    return [(label, *time_get(browser, url, query, repeat=3 if "export" in url else 5)) for label, url, query in cases]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--entries", type=int, default=1_000_000)
    parser.add_argument("--views", type=int, default=300, help="chart views per mode")
    options = parser.parse_args()
    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # only the bench's made-up people
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    old_name = connection.settings_dict["NAME"]
    scratch_database()
    from tests import factories

    try:
        print(f"database: {connection.vendor}")
        client = a_chart(factories)
        views = time_chart_views(client, options.views)
        extra = views["audited"] - views["off"]
        audited, off = views["audited"], views["off"]
        print(f"chart view, median of {options.views}: audited {audited:.2f} ms, auditing off {off:.2f} ms")
        print(f"  extra for the audit entry: {extra:.2f} ms ({extra / views['off'] * 100:.1f}%)")
        print(f"  one record() on its own: {time_record(client):.2f} ms")

        started = time.perf_counter()
        with transaction.atomic():
            clients, staff = bulk_load(options.entries, factories)
        loaded = time.perf_counter() - started
        total = AuditEntry.objects.count()
        rate = options.entries / loaded
        print(f"bulk load: {options.entries:,} entries in {loaded:.1f} s ({rate:,.0f}/s); trail {total:,}")

        print(f"{'page on ' + f'{total:,}' + ' entries':<48} {'median ms':>10} {'bytes':>10}")
        for label, ms, size in review_pages(clients, staff):
            print(f"{label:<48} {ms:>10.1f} {size:>10,}")

        started = time.perf_counter()
        checked, bad, why = audit.verify_chain()
        took = time.perf_counter() - started
        state = "intact" if bad is None else f"BROKEN at {bad.pk}: {why}"
        print(f"verify_audit: {checked:,} entries in {took:.1f} s ({checked / took:,.0f}/s), chain {state}")
    finally:
        drop(old_name)
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
