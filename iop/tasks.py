from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task
def record_heartbeat(name="worker"):
    """Beat sends this every minute; the worker running it proves both are alive."""
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})
    return name


@shared_task(acks_late=True)
def deliver_message(message_id):
    """Deliver one outbox message (channels, quiet hours and retries: see iop/delivery.py)."""
    from .delivery import deliver

    return deliver(message_id)
