"""A separate Celery worker process really picks tasks up, on whichever broker
the settings name: the filesystem broker of the embedded default, Redis in CI.
Report renders have a queue of their own, and each worker reports in for the
queues it takes."""

import pytest
from django.conf import settings

from iop.celery import app
from iop.models import Heartbeat
from iop.tasks import record_heartbeat
from tests.worker import unique_queue, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def seen():
    return set(Heartbeat.objects.values_list("name", flat=True))


def test_worker_process_runs_a_task_sent_through_the_configured_broker(start_worker):
    queue = unique_queue()
    start_worker(settings.CELERY_BROKER_URL, queue)
    record_heartbeat.apply_async(args=("test-probe",), queue=queue)
    wait_until(lambda: "test-probe" in seen(), timeout=60, what="the worker to run it")
    # A worker started without -Q takes both queues, and says so through each.
    wait_until(lambda: {"worker", "reports"} <= seen(), timeout=30, what="the worker to report in for both queues")


def test_a_worker_for_one_queue_reports_in_for_that_queue_only(start_worker):
    queue = unique_queue()
    worker = start_worker(settings.CELERY_BROKER_URL, queue, take=f"{queue}.reports")
    wait_until(lambda: "reports" in seen(), timeout=60, what="the report worker to report in")
    assert "worker" not in seen()
    # Nor does it take urgent messages: those go with the default queue.
    assert f".> {queue}.reports " in worker.log
    assert f"{queue}.urgent" not in worker.log


def test_report_renders_go_to_their_own_queue_and_everything_else_to_the_default():
    def queue_of(task):
        return app.amqp.router.route({}, task)["queue"].name

    assert settings.CELERY_REPORTS_QUEUE != settings.CELERY_TASK_DEFAULT_QUEUE
    assert queue_of("clinicians.tasks.render_report") == settings.CELERY_REPORTS_QUEUE
    for task in ("iop.tasks.deliver_message", "clinicians.tasks.escalate_safety_alerts", "iop.tasks.sweep_outbox"):
        assert queue_of(task) == settings.CELERY_TASK_DEFAULT_QUEUE
    # Urgent messages are sent to a queue of their own (tests/iop/test_delivery_worker.py).
    assert settings.CELERY_URGENT_QUEUE in {queue.name for queue in settings.CELERY_TASK_QUEUES}
    reports_heartbeat = settings.CELERY_BEAT_SCHEDULE["heartbeat-reports"]
    assert reports_heartbeat["options"]["queue"] == settings.CELERY_REPORTS_QUEUE
    # Beat sends the escalation check and the outbox sweep through the urgent queue (so
    # they never wait behind reminders), the heartbeat through the default one (so it
    # shows that queue taken).
    beat_queues = {name: e.get("options", {}).get("queue") for name, e in settings.CELERY_BEAT_SCHEDULE.items()}
    assert beat_queues["escalate-safety-alerts"] == beat_queues["sweep-outbox"] == settings.CELERY_URGENT_QUEUE
    assert beat_queues["heartbeat"] is None


def test_the_beats_heartbeat_shows_the_worker_that_ran_it_alive_too():
    record_heartbeat("beat")
    assert seen() == {"beat", "worker"}


def test_the_report_workers_heartbeat_shows_only_the_report_worker_alive():
    record_heartbeat("reports")
    assert seen() == {"reports"}
