"""Writing the audit trail. Every view of client data and every sensitive
action calls ``record``; if the entry cannot be written the request fails
(no unaudited read of a chart)."""

from auditlog.models import AbstractLogEntry
from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry

Action = AbstractLogEntry.Action


def record(event, obj, *, client=None, action=Action.ACCESS, outcome=AuditEntry.Outcome.ALLOWED, actor=None, **data):
    """Append one entry: ``event`` ("view", "sign", "export"...) on ``obj``,
    concerning ``client`` (defaults to ``obj`` itself when it is a Client)."""
    client_id = _client_id(obj, client)
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_pk=str(obj.pk),
        object_id=obj.pk if isinstance(obj.pk, int) else None,
        object_repr=str(obj)[:200],
        action=action,
        event=event,
        client_id=client_id,
        actor=actor,
        outcome=outcome,
        additional_data=data or None,
    )


def record_anonymous(event, model, identifier, *, outcome=AuditEntry.Outcome.REFUSED, **data):
    """An event with no object to point at, such as a failed login for an unknown address."""
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(identifier)[:255],
        object_repr=str(identifier)[:200],
        action=Action.ACCESS,
        event=event,
        outcome=outcome,
        additional_data=data or None,
    )


def _client_id(obj, client):
    if client is not None:
        return client.pk
    if obj._meta.label == "iop.Client":
        return obj.pk
    return getattr(obj, "client_id", None)


def verify_chain(batch_size=2000):
    """Walk the chain in insertion order. Returns (entries checked, first bad entry or None, why)."""
    from .models import GENESIS_HASH

    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not batch:
            return checked, None, ""
        for entry in batch:
            if entry.prev_hash != expected_prev:
                return (
                    checked,
                    entry,
                    "its link to the previous entry does not match (an entry was removed or moved)",
                )
            if entry.compute_hash() != entry.entry_hash:
                return checked, entry, "its content does not match its hash (it was changed)"
            expected_prev = entry.entry_hash
            checked += 1
            last_id = entry.pk
