"""A separate Celery worker process really picks tasks up, on whichever broker
the settings name (the filesystem broker by default, Redis in CI)."""

import pytest

from iop.models import Heartbeat
from iop.tasks import record_heartbeat
from tests.celery_worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_process_runs_a_task_sent_through_the_broker():
    with celery_worker() as (process, queue):
        record_heartbeat.apply_async(args=("test-probe",), queue=queue)
        found = wait_for(lambda: Heartbeat.objects.filter(name="test-probe").exists(), timeout=60)
        if not found:
            process.terminate()
            pytest.fail("the worker did not run the task:\n" + process.stdout.read()[-3000:])
