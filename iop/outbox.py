"""The one way any app sends a reminder or notice: add it to the outbox.

``queue_message`` must be called inside the transaction that records the event,
so the message exists exactly when the event does. Delivery happens after
commit, in a Celery worker (iop/delivery.py); the beat sweep picks up anything
the broker lost and anything due later. iop/reminders.py has the texts and a
friendlier entry point, ``notify``."""

import logging

from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)


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
    language=None,
    stale_after=None,
):
    """Add one message; a second call with the same ``key`` returns the first
    message unchanged (retries and re-saves never send twice).

    ``recipient`` is a User, or None for an address that has no account (a
    client's own email); ``due_at`` defaults to now; ``urgent`` is for safety
    alerts to staff only (they ignore quiet hours); after ``stale_after`` (an
    evening's start, the day a "tomorrow" is about) the message is not sent at all."""
    if to_address is None:
        to_address = recipient.email if channel == OutboxMessage.Channel.EMAIL else recipient.phone
    if language is None:
        language = recipient.language if recipient is not None else "en"
    message, created = OutboxMessage.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "kind": kind,
            "recipient": recipient,
            "channel": channel,
            "to_address": to_address or "",
            "language": language,
            "subject": subject,
            "body": body,
            "urgent": urgent,
            "due_at": due_at or timezone.now(),
            "stale_after": stale_after,
        },
    )
    if created and message.due_at <= timezone.now():
        transaction.on_commit(lambda: _enqueue(message))
    return message


def requeue_failed(message):
    """Give a failed message a fresh set of attempts (the delivery log's retry
    button). Returns False if it is no longer failed. Its key still holds: it
    can only ever be sent once."""
    requeued = OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.FAILED).update(
        status=OutboxMessage.Status.PENDING, attempts=0, claimed_at=None, due_at=timezone.now()
    )
    if requeued:
        transaction.on_commit(lambda: _enqueue(message))
    return bool(requeued)


def _enqueue(message):
    # The broker may be down: the message is safe in the database and the beat
    # sweep will deliver it, so a failed enqueue is not an error for the caller.
    from .tasks import enqueue_delivery

    try:
        enqueue_delivery(message.pk, message.urgent)
    except Exception:  # noqa: BLE001 - any broker failure is recovered by the sweep
        log.warning("Broker unavailable; message %s waits for the sweep", message.pk)
