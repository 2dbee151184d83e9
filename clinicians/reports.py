"""Progress report jobs: requesting one, rendering it in a worker, retrying
with backoff, the sweep, releasing a family report, and the report made at
discharge. What a report says is in report_content.py.

How a job moves, and what is guaranteed:

- ``request_report`` writes the row (queued) and the audit entry in the
  request's transaction, and enqueues the render after commit. If the broker is
  down the row waits; the beat sweep enqueues queued reports it finds older
  than ``REPORT_SWEEP_GRACE_SECONDS``.
- A render starts only by *claiming* the row with one conditional UPDATE
  (queued and due -> rendering), so duplicate tasks and the sweep never render
  one report twice at once.
- The PDF is written to private storage first; the row points at it (status
  ready) only after the file is complete, so no half-written file is served.
- A failure is recorded on the row with its reason (shown on the status page)
  and retried after ``REPORT_RETRY_BASE_SECONDS`` doubling each time, up to
  ``REPORT_MAX_ATTEMPTS``; then the report is failed and a person may retry it.
- A worker killed mid-render leaves the row "rendering"; the sweep gives such a
  claim older than ``REPORT_RENDER_TIMEOUT_SECONDS`` another attempt.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from iop import audit, emergency

from .models.reports import ProgressReport, report_path
from .report_content import report_html

log = logging.getLogger(__name__)

Status = ProgressReport.Status
EARLY_TOLERANCE = datetime.timedelta(seconds=1)
INTERRUPTED = "Interrupted while rendering (the worker stopped)."


@dataclass
class Outcome:
    status: str
    retry_in: float | None = None


def request_report(*, client, user, variant, period_start, period_end, summary, at_discharge=False, **details):
    """Queue a report; it renders after the surrounding transaction commits."""
    with transaction.atomic():
        report = ProgressReport.objects.create(
            client=client,
            requested_by=user,
            variant=variant,
            period_start=period_start,
            period_end=period_end,
            summary=summary,
            at_discharge=at_discharge,
            **details,
        )
        audit.record("request_report", report, client=client, action=audit.Action.CREATE, variant=variant)
        transaction.on_commit(lambda: enqueue(report.pk))
    return report


def request_at_discharge(discharge, user):
    """Every discharge comes with a clinical report of the whole episode."""
    client = discharge.client
    return request_report(
        client=client,
        user=user,
        variant=ProgressReport.Variant.CLINICAL,
        period_start=client.admitted_on or discharge.discharged_on,
        period_end=discharge.discharged_on,
        summary=discharge.status_summary,
        at_discharge=True,
    )


def enqueue(report_id):
    # A broker failure is not the requester's error: the row is queued and the sweep sends it.
    from .tasks import render_report

    try:
        render_report.delay(report_id)
    except Exception:  # noqa: BLE001 - any broker failure is recovered by the sweep
        log.warning("Broker unavailable; report %s waits for the sweep", report_id)


def claim(report_id, now=None):
    now = now or timezone.now()
    return bool(
        ProgressReport.objects.filter(
            pk=report_id, status=Status.QUEUED, next_attempt_at__lte=now + EARLY_TOLERANCE
        ).update(status=Status.RENDERING, started_at=now, attempts=F("attempts") + 1)
    )


def renderer():
    return import_string(settings.REPORT_RENDERER)


def render(report_id):
    """One attempt at rendering ``report_id``; safe to call any number of times."""
    if not claim(report_id):
        current = ProgressReport.objects.filter(pk=report_id).values_list("status", flat=True).first()
        return Outcome(current or "missing")
    report = ProgressReport.objects.select_related("client__cohort", "client__lead_clinician", "requested_by").get(
        pk=report_id
    )
    try:
        pdf, pages = renderer()(report_html(report))
        name = report.pdf.storage.save(report_path(report, f"report-{report.pk}.pdf"), ContentFile(pdf))
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the report and shown
        log.exception("Progress report %s failed to render", report_id)
        return _failed(report, f"{type(error).__name__}: {error}")
    marked = ProgressReport.objects.filter(pk=report.pk, status=Status.RENDERING).update(
        status=Status.READY, pdf=name, pdf_pages=pages, error="", finished_at=timezone.now()
    )
    if not marked:
        # The sweep took this render for interrupted and handed it on meanwhile: keep one file.
        report.pdf.storage.delete(name)
        return Outcome(Status.QUEUED)
    return Outcome(Status.READY)


def _failed(report, reason):
    now = timezone.now()
    if report.attempts < settings.REPORT_MAX_ATTEMPTS:
        delay = settings.REPORT_RETRY_BASE_SECONDS * 2 ** (report.attempts - 1)
        ProgressReport.objects.filter(pk=report.pk).update(
            status=Status.QUEUED, error=reason[:2000], next_attempt_at=now + datetime.timedelta(seconds=delay)
        )
        return Outcome(Status.QUEUED, retry_in=delay)
    ProgressReport.objects.filter(pk=report.pk).update(status=Status.FAILED, error=reason[:2000], finished_at=now)
    return Outcome(Status.FAILED)


def sweep(now=None):
    """Reports to enqueue again: queued ones left behind (broker down at commit)
    and renders interrupted by a worker that stopped. Returns their ids."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.REPORT_RENDER_TIMEOUT_SECONDS)
    interrupted = ProgressReport.objects.filter(status=Status.RENDERING, started_at__lt=stale)
    interrupted.filter(attempts__gte=settings.REPORT_MAX_ATTEMPTS).update(
        status=Status.FAILED, error=INTERRUPTED, finished_at=now
    )
    interrupted.update(status=Status.QUEUED, error=INTERRUPTED, next_attempt_at=now)
    grace = now - datetime.timedelta(seconds=settings.REPORT_SWEEP_GRACE_SECONDS)
    return list(
        ProgressReport.objects.filter(status=Status.QUEUED, next_attempt_at__lte=grace).values_list("pk", flat=True)[
            :200
        ]
    )


def retry(report, user):
    """A person's retry of a failed report: a fresh set of attempts."""
    # A bulk update sends no save signal: break-the-glass stays read-only here by name.
    emergency.refuse_writes_under_emergency_access(user, report)
    with transaction.atomic():
        requeued = ProgressReport.objects.filter(pk=report.pk, status=Status.FAILED).update(
            status=Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), finished_at=None
        )
        if requeued:
            audit.record("retry_report", report, client=report.client, action=audit.Action.UPDATE)
            transaction.on_commit(lambda: enqueue(report.pk))
    return bool(requeued)


def release_to_family(report, user):
    """Make a ready family-facing report visible to the client's family."""
    emergency.refuse_writes_under_emergency_access(user, report)  # as in ``retry``
    if report.variant != ProgressReport.Variant.FAMILY or not report.is_ready or report.released_to_family:
        return False
    with transaction.atomic():
        ProgressReport.objects.filter(pk=report.pk).update(
            released_to_family=True, released_at=timezone.now(), released_by=user
        )
        audit.record("release_report", report, client=report.client, action=audit.Action.UPDATE)
    return True
