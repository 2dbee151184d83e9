"""The append to the audit chain (iop.audit_append): what it stores is what the
ORM reads back, entries get their ids in order, the head moves to the last one.
On PostgreSQL this runs the statements written once per process; elsewhere the ORM's."""

import pytest
from auditlog.context import set_extra_data

from iop import audit, audit_append
from iop.models import AuditChainHead, AuditEntry


def stored(entry):
    return AuditEntry.objects.get(pk=entry.pk)


def test_an_entry_reads_back_exactly_as_it_was_hashed(clinic):
    context = {"actor": clinic.clinician_1, "remote_addr": "10.1.2.3", "remote_port": 51234, "user_agent": "Phone"}
    with set_extra_data(context_data=context):
        entry = audit.record("view_chart", clinic.client_a, entries=[3, 1, 2], note="<b>ünï</b>")
    again = stored(entry)
    assert again.hashed_content() == entry.hashed_content()
    assert again.compute_hash() == again.entry_hash == entry.entry_hash
    assert (again.actor, again.actor_role, again.client_id) == (clinic.clinician_1, "clinician", clinic.client_a.pk)
    assert (again.remote_addr, again.remote_port, again.user_agent) == ("10.1.2.3", 51234, "Phone")
    assert again.additional_data == {"entries": [3, 1, 2], "note": "<b>ünï</b>"}
    assert again.serialized_data is None
    assert not entry._state.adding


def test_several_entries_take_ids_in_order_and_the_head_moves_to_the_last(clinic):
    before = audit.record("view_profile", clinic.client_a)
    entries = audit.record_each("view_chart", [clinic.client_a, clinic.client_b, clinic.client_a])
    assert [entry.pk for entry in entries] == sorted(entry.pk for entry in entries)
    assert entries[0].pk > before.pk
    assert [stored(entry).prev_hash for entry in entries] == [
        before.entry_hash,
        entries[0].entry_hash,
        entries[1].entry_hash,
    ]
    a, b = clinic.client_a.pk, clinic.client_b.pk
    assert [stored(entry).client_id for entry in entries] == [a, b, a]
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_hash, head.last_timestamp) == (entries[-1].entry_hash, entries[-1].timestamp)
    assert audit.verify_chain()[1] is None


def test_a_saved_entry_cannot_be_saved_again(clinic):
    entry = audit.record("view_profile", clinic.client_a)
    with pytest.raises(ValueError, match="append-only"):
        entry.save()


def test_a_long_list_is_appended_in_batches_that_chain_on(clinic, monkeypatch):
    monkeypatch.setattr(audit_append, "BATCH", 2)
    clients = [clinic.client_a, clinic.client_b] * 3
    entries = audit.record_each("view_chart", clients)
    assert [stored(entry).prev_hash for entry in entries[1:]] == [entry.entry_hash for entry in entries[:-1]]
    assert AuditChainHead.objects.get(pk=1).last_hash == entries[-1].entry_hash
    assert audit.verify_chain()[1] is None
