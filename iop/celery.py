"""The Celery app. Tasks stay thin: load by id, call a tested function, record the outcome."""

import logging
import os
import time

from celery import Celery
from celery.signals import beat_init, task_postrun, task_prerun, worker_init, worker_ready
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iop.settings")
# A report worker imports numpy (through matplotlib) before its pool forks; one
# BLAS thread is all a chart needs, and no thread then lives in the parent.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# filesystem:// (the embedded broker) writes each message whole, so a worker
# never takes a half-written one (iop/broker.py).
TRANSPORT_ALIASES["filesystem"] = "iop.broker:Transport"

log = logging.getLogger(__name__)

app = Celery("iop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Seconds a report worker spent getting ready to render, logged once it is up.
_prepared = {}


@worker_init.connect
def _take_urgent_messages(**_kwargs):
    # A worker that takes the default queue takes the urgent one too, whatever its
    # -Q says, so no deployment can leave safety alerts' messages untaken. Both
    # brokers take turns between a worker's queues (kombu's round robin).
    from django.conf import settings

    queues = app.amqp.queues
    if settings.CELERY_TASK_DEFAULT_QUEUE in queues.consume_from:
        queues.select_add(queues[settings.CELERY_URGENT_QUEUE])  # as declared (its own exchange)


@worker_init.connect
def _prepare_for_reports(sender=None, **_kwargs):
    # Only in a worker that takes the reports queue (message workers stay small).
    from django.conf import settings

    if settings.CELERY_REPORTS_QUEUE not in app.amqp.queues.consume_from:
        return
    # One task per process: a held PDF (or, in a worker that takes both queues, a
    # safety alert's message) would wait behind a render of up to three minutes.
    # worker_init comes before the worker builds its consumer from this value.
    sender.prefetch_multiplier = 1
    # Before the pool forks, so every process starts with WeasyPrint and matplotlib loaded.
    started = time.perf_counter()
    from clinicians.report_content import prepare_renderer

    prepare_renderer()
    _prepared["reports"] = time.perf_counter() - started


@worker_ready.connect
def _worker_ready(sender=None, **_kwargs):
    ensure_broker_folders()
    if "reports" in _prepared:
        log.info(
            "Ready to render reports, %s at a time (prepared in %.0f ms)",
            sender.initial_prefetch_count,
            _prepared["reports"] * 1000,
        )
    # Report in through the broker at once, so admins see a live worker within
    # seconds: through each queue this worker takes, as the worker of that queue.
    for queue in app.amqp.queues.consume_from:
        name = heartbeat_name(queue)
        if name:
            app.send_task("iop.tasks.record_heartbeat", args=(name,), queue=queue)


def heartbeat_name(queue):
    """Which background process a task run from ``queue`` shows alive."""
    from django.conf import settings

    return {settings.CELERY_TASK_DEFAULT_QUEUE: "worker", settings.CELERY_REPORTS_QUEUE: "reports"}.get(queue)


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender=None, **_kwargs):
    # What Django does around a request: a connection older than CONN_MAX_AGE or
    # broken is closed (and reopened on first use); a healthy one is kept, so a
    # short task such as a reminder does not pay for connecting every time.
    # A task run eagerly is inside its caller's connection and transaction.
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@beat_init.connect
def _beat_ready(**_kwargs):
    app.send_task("iop.tasks.record_heartbeat", args=("beat",))


def ensure_broker_folders():
    """The filesystem transport needs its folders to exist before anyone sends."""
    from django.conf import settings

    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(key)
        if folder:
            os.makedirs(folder, exist_ok=True)
