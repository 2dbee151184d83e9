"""A separate Celery worker process really picks tasks up, on whichever broker
the settings name: the filesystem broker of the embedded default, Redis in CI."""

import pytest
from django.conf import settings

from iop.models import Heartbeat
from iop.tasks import record_heartbeat
from tests.worker import unique_queue, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_process_runs_a_task_sent_through_the_configured_broker(start_worker):
    queue = unique_queue()
    start_worker(settings.CELERY_BROKER_URL, queue)
    record_heartbeat.apply_async(args=("test-probe",), queue=queue)
    wait_until(lambda: Heartbeat.objects.filter(name="test-probe").exists(), timeout=60, what="the worker to run it")
    # Whatever the beat sends it as, running it shows the worker alive (the admin home reads this).
    assert Heartbeat.objects.filter(name="worker").exists()


def test_the_beats_heartbeat_shows_the_worker_that_ran_it_alive_too():
    record_heartbeat("beat")
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {"beat", "worker"}
