"""The trail is one unbroken hash chain: concurrent writers take turns, the
database refuses edits, and verify_audit names the first entry that was changed."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from iop import audit
from iop.models import AuditEntry

# The UPDATE/DELETE trigger and row-lock concurrency exist on PostgreSQL only; CI runs these there.
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL-only trigger and locking")


def test_entries_link_each_to_the_one_before(clinic):
    first = audit.record("view_profile", clinic.client_a)
    second = audit.record("view_chart", clinic.client_a)
    assert second.prev_hash == first.entry_hash
    assert second.timestamp >= first.timestamp
    assert audit.verify_chain()[1] is None


def test_two_entries_cannot_follow_the_same_one(clinic):
    entry = audit.record("view_profile", clinic.client_a)
    fork = AuditEntry(
        content_type_id=entry.content_type_id,
        object_pk="1",
        object_repr="fork",
        action=entry.action,
        event="view_chart",
        timestamp=entry.timestamp,
        prev_hash=entry.prev_hash,
        entry_hash="f" * 64,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        # Straight to the database, past save()'s chaining.
        AuditEntry.objects.bulk_create([fork])


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_unbroken_chain(clinic):
    writers, each = 8, 25
    start = threading.Barrier(writers)
    failures = []

    def write(n):
        try:
            start.wait()
            for i in range(each):
                audit.record("view_chart", clinic.client_a, writer=n, i=i)
        except Exception as error:  # noqa: BLE001  (reported below)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    checked, bad, why = audit.verify_chain()
    assert bad is None, why
    assert AuditEntry.objects.filter(event="view_chart").count() == writers * each
    assert checked == AuditEntry.objects.count()
    stamps = list(AuditEntry.objects.order_by("pk").values_list("timestamp", flat=True))
    assert stamps == sorted(stamps)


@pytest.mark.django_db
def test_verify_audit_passes_on_the_demo_clinic(capsys):
    call_command("seed_demo")
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Audit chain intact" in out
    assert int(out.split(":")[-1].split()[0]) == AuditEntry.objects.count() > 100


def change_a_row_behind_the_apps_back(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Triggers off for this transaction only: what someone with superuser access could do.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_verify_audit_names_an_entry_changed_with_raw_sql(clinic):
    entries = [audit.record("view_chart", clinic.client_a) for _ in range(3)]
    tampered = entries[1]
    change_a_row_behind_the_apps_back(
        "UPDATE iop_auditentry SET actor_email = %s WHERE id = %s", ["someone.else@demo.clinic", tampered.pk]
    )
    with pytest.raises(CommandError, match=rf"broken at entry {tampered.pk} .*view_chart.*changed"):
        call_command("verify_audit")


def test_verify_audit_names_the_entry_after_a_removed_one(clinic):
    entries = [audit.record("view_chart", clinic.client_a) for _ in range(3)]
    change_a_row_behind_the_apps_back("DELETE FROM iop_auditentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError, match=rf"broken at entry {entries[2].pk} .*removed"):
        call_command("verify_audit")


@on_postgresql
@pytest.mark.parametrize(
    "sql",
    ["UPDATE iop_auditentry SET event = 'view_profile' WHERE id = %s", "DELETE FROM iop_auditentry WHERE id = %s"],
)
def test_postgresql_refuses_update_and_delete(clinic, sql):
    entry = audit.record("view_chart", clinic.client_a)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).event == "view_chart"


def test_the_model_refuses_to_change_or_delete_an_entry(clinic):
    entry = audit.record("view_chart", clinic.client_a)
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_a_chart_view_that_cannot_be_audited_fails_with_a_clear_503(clinic, login):
    client = login(clinic.clinician_1)
    with connection.cursor() as cursor:
        # The audit table is gone for this test's transaction: every append fails.
        cursor.execute("ALTER TABLE iop_auditentry RENAME TO iop_auditentry_away")
    response = client.get(reverse("clinicians:chart", args=[clinic.client_a.pk]))
    assert response.status_code == 503
    text = response.content.decode()
    assert "audit trail cannot be written" in text
    assert clinic.client_a.legal_last_name not in text


def test_entries_appended_together_keep_one_unbroken_chain(clinic):
    from iop import audit
    from iop.audit import verify_chain

    audit.record("view_chart", clinic.client_a, actor=clinic.clinician_1)
    entries = audit.record_each("view_chart", [clinic.client_a, clinic.client_b], actor=clinic.superuser)
    audit.record("view_chart", clinic.client_b, actor=clinic.clinician_2)

    assert [entry.client_id for entry in entries] == [clinic.client_a.pk, clinic.client_b.pk]
    assert entries[1].prev_hash == entries[0].entry_hash
    checked, bad, why = verify_chain()
    assert bad is None, why
    assert checked == AuditEntry.objects.count()
