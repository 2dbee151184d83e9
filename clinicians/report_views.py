"""Progress report pages for the clinical team: request, status (with its
progress while a worker renders it), download, retry and release to family."""

import datetime

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from iop import audit
from iop.access import clinician_required
from iop.links import ALREADY_SAVED, recent_twin
from iop.models import Heartbeat

from . import reports
from .access import writable_client
from .models import ProgressReport
from .report_forms import ReportRequestForm

#: The status panel asks again this often while the report renders (htmx, no inline script).
POLL_SECONDS = 2
#: A report queued this long, with no word from the worker as long, says so.
QUIET_WORKER = datetime.timedelta(minutes=5)


def _report(request, pk):
    return get_object_or_404(
        ProgressReport.objects.visible_to(request.user).select_related("client", "requested_by"), pk=pk
    )


@clinician_required
def report_new(request, pk):
    client = writable_client(request.user, pk)
    initial = {"period_start": client.admitted_on, "period_end": timezone.localdate()}
    form = ReportRequestForm(request.POST or None, client=client, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        fields = ("variant", "period_start", "period_end", "summary", "language")
        twin = recent_twin(
            ProgressReport.objects.filter(client=client).exclude(status=ProgressReport.Status.FAILED),
            "requested_by",
            request.user,
            **{name: data[name] for name in fields},
        )
        if twin is not None:
            messages.info(request, ALREADY_SAVED)
            return redirect("clinicians:report", twin.pk)
        report = reports.request_report(
            client=client,
            user=request.user,
            variant=data["variant"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            summary=data["summary"],
            **form.details,
        )
        messages.success(request, _("The report is on its way: the panel below follows it until it is ready."))
        return redirect("clinicians:report", report.pk)
    return render(request, "clinicians/report_form.html", {"client": client, "form": form})


def worker_seems_down(report):
    """A queued report waiting long while the report worker has not reported in as long."""
    if report.status != ProgressReport.Status.QUEUED or report.created_at > timezone.now() - QUIET_WORKER:
        return False
    seen = Heartbeat.objects.filter(name="reports").values_list("seen_at", flat=True).first()
    return seen is None or seen < timezone.now() - QUIET_WORKER


@clinician_required
@vary_on_headers("HX-Request")  # the page, or its panel for htmx
def report_detail(request, pk):
    report = _report(request, pk)
    context = {
        "report": report,
        "client": report.client,
        "poll_seconds": POLL_SECONDS,
        "worker_seems_down": worker_seems_down(report),
    }
    if request.htmx:
        # The status panel asking again: the same fragment the page includes.
        return render(request, "clinicians/includes/report_status.html", context)
    audit.record("view_report", report, client=report.client)
    return render(request, "clinicians/report_detail.html", context)


def pdf_response(report):
    if not report.is_ready or not report.pdf:
        raise Http404
    response = FileResponse(
        report.pdf.open("rb"), as_attachment=True, filename=report.download_name, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@clinician_required
def report_download(request, pk):
    report = _report(request, pk)
    response = pdf_response(report)
    audit.record("download_report", report, client=report.client, variant=report.variant)
    return response


@clinician_required
@require_POST
def report_retry(request, pk):
    report = _report(request, pk)
    if reports.retry(report, request.user):
        messages.success(request, _("The report is queued again."))
    return redirect("clinicians:report", report.pk)


@clinician_required
@require_POST
def report_release(request, pk):
    report = _report(request, pk)
    if reports.release_to_family(report, request.user):
        messages.success(request, _("The family can now download this report from their portal."))
    else:
        messages.error(request, _("Only a ready family report can be released."))
    return redirect("clinicians:report", report.pk)
