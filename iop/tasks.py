from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task
def record_heartbeat(name="worker"):
    """Beat sends this every minute; the worker running it proves both are alive."""
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})
    return name
