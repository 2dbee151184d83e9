"""Delivering outbox messages: channels, consent, quiet hours, retries.

The reminders issue completes this module; until then a message is sent by
email or SMS backend once, and marked."""

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage


def deliver(message_id):
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboxMessage.Status.PENDING:
            return "nothing to do"
        if message.channel == OutboxMessage.Channel.EMAIL:
            send_mail(message.subject, message.body, None, [message.to_address])
        else:
            from .sms import send_sms

            send_sms(message.to_address, message.body)
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.attempts += 1
        message.save(update_fields=["status", "sent_at", "attempts"])
    return "sent"
