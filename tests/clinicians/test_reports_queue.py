"""Progress reports are rendered from a queue of their own: with the report
worker busy on two long renders, a safety alert's messages still go out at once
through the message worker (real workers, real Redis)."""

import pytest
from django.conf import settings

from clinicians.instruments import PHQ9
from clinicians.models import ProgressReport, SafetyAlert
from iop.models import OutboxMessage
from tests.clinicians.test_reports_worker import request_on_page
from tests.factories import AdministrationFactory
from tests.worker import publishing_to, unique_queue, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("quiet_hours_off")]

Rendering = ProgressReport.Status.RENDERING


def statuses(reports):
    return {report.pk: report.status for report in ProgressReport.objects.filter(pk__in=[r.pk for r in reports])}


def test_an_alert_is_sent_while_the_report_worker_is_busy_rendering(clinic, login, redis_url, start_worker, tmp_path):
    gate = tmp_path / "let-reports-finish"
    mailbox = tmp_path / "mailbox"
    mailbox.mkdir()
    env = {
        "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
        "REPORT_RENDERER": "tests.report_renderers.held",
        "IOP_TEST_REPORT_GATE": str(gate),
        "EMAIL_BACKEND": "tests.mail_backends.FlakyFileBackend",
        "IOP_TEST_MAILBOX": str(mailbox),
    }
    queue = unique_queue()
    reports_queue = f"{queue}.reports"
    messages_worker = start_worker(redis_url, queue, take=queue, **env)
    reports_worker = start_worker(redis_url, queue, take=reports_queue, **env)
    # Only the worker that renders reports loads WeasyPrint and matplotlib, before its
    # first report, and it holds one report per process (two processes).
    assert "Ready to render reports, 2 at a time (prepared in" in reports_worker.log
    assert "Ready to render reports" not in messages_worker.log
    with publishing_to(redis_url, queue, reports_queue=reports_queue):
        reports = [request_on_page(login, clinic, summary=f"Report {n}") for n in (1, 2)]
        wait_until(lambda: set(statuses(reports).values()) == {Rendering}, what="both reports to be rendering")

        AdministrationFactory(client=clinic.client_a, answers={item.key: 1 for item in PHQ9.items})
        alert = SafetyAlert.objects.get()
        key = f"safety_alert:{alert.pk}:"
        messages = OutboxMessage.objects.filter(kind="safety_alert", idempotency_key__startswith=key)
        assert messages.exists()
        wait_until(
            lambda: not messages.exclude(status=OutboxMessage.Status.SENT).exists(),
            timeout=20,
            what="the alert's messages to be sent",
        )
        # Both renders were still held while the alert went out.
        assert set(statuses(reports).values()) == {Rendering}

        gate.write_text("go")
        wait_until(
            lambda: set(statuses(reports).values()) == {ProgressReport.Status.READY},
            timeout=60,
            what="both reports to be ready",
        )
