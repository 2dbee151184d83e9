"""The one way any app sends a reminder or notice: add it to the outbox.

``queue_message`` must be called inside the transaction that records the event,
so the message exists exactly when the event does. Delivery happens after
commit, in a Celery worker; a beat sweep picks up anything the broker lost."""

from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage


def queue_message(
    *,
    key,
    kind,
    recipient,
    body,
    subject="",
    channel=OutboxMessage.Channel.EMAIL,
    to_address=None,
    due_at=None,
    urgent=False,
):
    """Add one message; a second call with the same ``key`` returns the first
    message unchanged (retries and re-saves never send twice)."""
    if to_address is None:
        to_address = recipient.email if channel == OutboxMessage.Channel.EMAIL else recipient.phone
    message, created = OutboxMessage.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "kind": kind,
            "recipient": recipient,
            "channel": channel,
            "to_address": to_address or "",
            "subject": subject,
            "body": body,
            "urgent": urgent,
            "due_at": due_at or timezone.now(),
        },
    )
    if created:
        transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id):
    # The broker may be down: the message is safe in the database and the beat
    # sweep will deliver it, so a failed enqueue is not an error for the caller.
    from .tasks import deliver_message

    try:
        deliver_message.delay(message_id)
    except Exception:  # noqa: BLE001 - any broker failure is recovered by the sweep
        import logging

        logging.getLogger(__name__).warning("Broker unavailable; message %s waits for the sweep", message_id)
