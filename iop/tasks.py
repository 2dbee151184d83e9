"""Background tasks of the core: the heartbeat, and delivering and sweeping the
reminder outbox (the rules are in iop/delivery.py)."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import delivery
from .models import Heartbeat

# Hard limit well under OUTBOX_SENDING_TIMEOUT_SECONDS and its urgent twin: a
# claim older than that can only belong to a worker that is gone.
DELIVERY_SOFT_TIME_LIMIT = 60
DELIVERY_TIME_LIMIT = 90


@shared_task
def record_heartbeat(name="worker"):
    """Beat sends this every minute, as "beat" through the worker's queue and as
    "reports" through the report worker's; that the worker ran beat's proves it
    alive too, so both are marked seen (the admin home says which one went silent)."""
    now = timezone.now()
    for seen in sorted({name, "worker"} if name == "beat" else {name}):
        Heartbeat.objects.update_or_create(name=seen, defaults={"seen_at": now})
    return name


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=None,  # failed sends are counted in the database (OUTBOX_MAX_ATTEMPTS)
    soft_time_limit=DELIVERY_SOFT_TIME_LIMIT,
    time_limit=DELIVERY_TIME_LIMIT,
)
def deliver_message(self, message_id, sent_marker=None, urgent=False):
    """Deliver one outbox message; a transient failure retries with backoff."""
    outcome = delivery.deliver(message_id, sent_marker=sent_marker, urgent=urgent)
    if outcome.retry_in is not None:
        # Failed sends count their attempts in the database; marking a sent
        # message is retried until shortly before the sweep would send it again.
        marking = outcome.sent_marker is not None
        raise self.retry(
            args=(message_id,),
            kwargs={"sent_marker": outcome.sent_marker, "urgent": outcome.urgent},
            countdown=outcome.retry_in,
            max_retries=delivery.marking_retries(outcome.urgent) if marking else None,
        )
    return outcome.status


def enqueue_delivery(message_id, urgent=False):
    """Send one message's delivery task: an urgent one (a safety alert's, a staff
    invitation) through the urgent queue, so it does not wait behind the reminders
    queued before it. A retry goes back to the queue the task came from."""
    options = {"queue": settings.CELERY_URGENT_QUEUE} if urgent else {}
    deliver_message.apply_async((message_id,), **options)


@shared_task
def sweep_outbox():
    """Every minute: deliver what is due and was not delivered (broker down at
    commit, held for quiet hours, interrupted by a dying worker)."""
    due = delivery.sweep()
    for message_id, urgent in due:
        enqueue_delivery(message_id, urgent)
    return len(due)
