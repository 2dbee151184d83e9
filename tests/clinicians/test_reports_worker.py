"""Progress reports through a real Celery worker process and Redis: a report
requested on the page is rendered by the worker; forced failures are retried
with backoff and, when they persist, shown with their reason; a report
requested while the broker is down is picked up by the sweep."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from clinicians.models import ProgressReport
from clinicians.tasks import sweep_reports
from tests.worker import publishing_to, unique_queue, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

Status = ProgressReport.Status


@pytest.fixture
def failures(tmp_path):
    return tmp_path / "report-failures"


@pytest.fixture
def worker_env(failures):
    return {
        "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
        "REPORT_RENDERER": "tests.report_renderers.flaky",
        "IOP_TEST_REPORT_FAILURES": str(failures),
        "REPORT_RETRY_BASE_SECONDS": "0.2",
        "REPORT_SWEEP_GRACE_SECONDS": "0",
    }


def request_on_page(login, clinic, summary="Coming every evening."):
    today = timezone.localdate()
    response = login(clinic.clinician_1).post(
        reverse("clinicians:report_new", args=[clinic.client_a.pk]),
        {
            "variant": "clinical",
            "period_start": (today - datetime.timedelta(days=14)).isoformat(),
            "period_end": today.isoformat(),
            "language": "en",
            "summary": summary,
        },
    )
    assert response.status_code == 302
    return ProgressReport.objects.get(summary=summary)


def status_is(report, *statuses):
    report.refresh_from_db()
    return report.status in statuses


def test_worker_renders_a_requested_report_and_the_page_offers_it(clinic, login, redis_url, start_worker, worker_env):
    queue = unique_queue()
    start_worker(redis_url, queue, **worker_env)
    with publishing_to(redis_url, queue):
        report = request_on_page(login, clinic)
        wait_until(lambda: status_is(report, Status.READY, Status.FAILED), timeout=60, what="the report to render")
    assert report.status == Status.READY, report.error
    assert report.attempts == 1 and report.pdf_pages >= 1
    page = login(clinic.clinician_1).get(reverse("clinicians:report", args=[report.pk])).content.decode()
    assert reverse("clinicians:report_download", args=[report.pk]) in page
    download = login(clinic.clinician_1).get(reverse("clinicians:report_download", args=[report.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_forced_failures_are_retried_then_the_report_is_ready(
    clinic, login, redis_url, start_worker, worker_env, failures
):
    failures.write_text("2")
    queue = unique_queue()
    start_worker(redis_url, queue, **worker_env)
    with publishing_to(redis_url, queue):
        report = request_on_page(login, clinic)
        wait_until(lambda: status_is(report, Status.READY, Status.FAILED), timeout=60, what="the report to render")
    assert report.status == Status.READY and report.attempts == 3 and report.error == ""


def test_persistent_failure_is_shown_with_its_reason(clinic, login, redis_url, start_worker, worker_env, failures):
    failures.write_text("99")
    queue = unique_queue()
    start_worker(redis_url, queue, **worker_env)
    with publishing_to(redis_url, queue):
        report = request_on_page(login, clinic)
        wait_until(lambda: status_is(report, Status.FAILED), timeout=60, what="the report to fail")
    assert report.attempts == settings.REPORT_MAX_ATTEMPTS
    page = login(clinic.clinician_1).get(reverse("clinicians:report", args=[report.pk])).content.decode()
    assert "RenderFailed: forced render failure" in page and "Try again" in page


def test_report_requested_while_redis_is_down_is_rendered_by_the_sweep(
    clinic, login, private_redis, start_worker, worker_env
):
    queue = unique_queue()
    with publishing_to(private_redis.url, queue):
        private_redis.stop()
        report = request_on_page(login, clinic)  # the enqueue fails; the row waits
        assert status_is(report, Status.QUEUED)
        private_redis.start()
        start_worker(private_redis.url, queue, **worker_env)
        sweep_reports.delay()
        wait_until(lambda: status_is(report, Status.READY), timeout=60, what="the swept report to render")
    assert report.attempts == 1
