"""Measures pages for staff: a client's scores and outcomes, entering an
administration, starting a self-report, the caseload view and the FHIR export."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from clinicians import charts, fhir
from clinicians.forms import ClinicianEntryForm
from clinicians.instruments import INSTRUMENTS
from clinicians.models import Administration, SafetyAlert, SelfReportLink
from clinicians.models.measures import Mode
from clinicians.progress import caseload as caseload_rows
from clinicians.progress import default_instrument, progress_for
from iop import audit, emergency
from iop.access import clinician_required
from iop.links import ALREADY_SAVED, url_for_each
from iop.models import Client, OutboxMessage, Program
from iop.outbox import queue_message
from iop.prepared import Prepared

SELF_REPORT_MESSAGE = "Here is your check-in questionnaire. The link works once, for 24 hours: {url}"


def _client(request, pk):
    return get_object_or_404(
        Client.objects.clinical_for(request.user).select_related("cohort", "lead_clinician"), pk=pk
    )


def _instrument(request, client):
    kind = request.GET.get("instrument") or request.POST.get("instrument")
    return INSTRUMENTS.get(kind) or INSTRUMENTS[default_instrument(client)]


@clinician_required
def client_measures(request, pk):
    client = _client(request, pk)
    administrations = list(Administration.objects.filter(client=client).select_related("entered_by", "safety_alert"))
    progress = progress_for(client, administrations, Program.current().phq_due_days, timezone.localdate())
    svg = charts.client_trend_svg(client, progress)
    audit.record("view_measures", client)
    return render(
        request,
        "clinicians/measures.html",
        {
            "client": client,
            "administrations": administrations,
            "progress": progress,
            "chart_uri": charts.as_data_uri(svg) if svg else "",
            "instruments": INSTRUMENTS.values(),
            "suggested": default_instrument(client),
        },
    )


@clinician_required
def new_administration(request, pk):
    client = _client(request, pk)
    emergency.refuse_unless_writable(request.user, client.pk)  # before the form, not after it is filled
    instrument = _instrument(request, client)
    form = ClinicianEntryForm(request.POST if request.method == "POST" else None, instrument=instrument, client=client)
    if request.method == "POST" and form.is_valid():
        # The same questionnaire at the same minute is one already entered (Back, then Save again).
        twin = Administration.objects.filter(
            client=client, instrument=instrument.kind, administered_at=form.cleaned_data["administered_at"]
        ).first()
        if twin is not None:
            messages.info(request, ALREADY_SAVED)
            return redirect("clinicians:administration", pk=twin.pk)
        administration = Administration.record(
            client=client,
            instrument=instrument.kind,
            answers=form.answers(),
            mode=Mode.CLINICIAN,
            entered_by=request.user,
            administered_at=form.cleaned_data["administered_at"],
        )
        audit.record("record_measure", administration, client=client, action=audit.Action.CREATE)
        if administration.safety_flag:
            messages.error(request, "These answers raised a safety alert. Please see the client now.")
            return redirect("clinicians:alert", pk=administration.safety_alert.pk)
        messages.success(request, f"{instrument.name} saved.")
        return redirect("clinicians:client_measures", pk=client.pk)
    return render(
        request, "clinicians/administration_form.html", {"client": client, "instrument": instrument, "form": form}
    )


@clinician_required
def administration_detail(request, pk):
    administration = get_object_or_404(
        Administration.objects.visible_to(request.user)
        .select_related("client", "entered_by")
        .prefetch_related("answers"),
        pk=pk,
    )
    audit.record("view_measure", administration, client=administration.client)
    # The safety alert this questionnaire raised, if any: open or closed, it is one click away.
    alert = SafetyAlert.objects.visible_to(request.user).filter(administration=administration).first()
    context = {"administration": administration, "alert": alert}
    return render(request, "clinicians/administration_detail.html", context)


@never_cache
@clinician_required
@require_POST
def send_self_report_link(request, pk):
    """Create a one-time link, send it to the client if they have an address, and
    show it once (it is stored only as a hash)."""
    client = _client(request, pk)
    emergency.refuse_unless_writable(request.user, client.pk)  # before the form, not after it is filled
    instrument = _instrument(request, client)
    link, token = SelfReportLink.issue(
        client=client, instrument=instrument.kind, created_by=request.user, mode=Mode.LINK
    )
    url = request.build_absolute_uri(reverse("clinicians:self_report", args=[token]))
    channel = OutboxMessage.Channel.EMAIL if client.email else OutboxMessage.Channel.SMS
    address = client.email or client.phone
    if address:
        queue_message(
            key=f"self_report_link:{link.pk}",
            kind="self_report_link",
            recipient=None,
            channel=channel,
            to_address=address,
            subject="Your check-in questionnaire",
            body=SELF_REPORT_MESSAGE.format(url=url),
        )
    audit.record("issue_self_report_link", link, client=client, action=audit.Action.CREATE)
    return render(
        request,
        "clinicians/link_issued.html",
        {"client": client, "instrument": instrument, "link": link, "url": url, "sent_to": address},
    )


@clinician_required
@require_POST
def start_kiosk(request, pk):
    """Hand the clinic tablet to the client: the clinician is signed out of it first,
    so nothing but the questionnaire is reachable."""
    client = _client(request, pk)
    emergency.refuse_unless_writable(request.user, client.pk)  # before the form, not after it is filled
    instrument = _instrument(request, client)
    link, token = SelfReportLink.issue(
        client=client, instrument=instrument.kind, created_by=request.user, mode=Mode.KIOSK
    )
    audit.record("start_kiosk", link, client=client, action=audit.Action.CREATE)
    logout(request)
    return redirect("clinicians:self_report", token=token)


#: The admitted clients whose charts the reader reads, with their cohorts.
_CASELOAD = Prepared(
    lambda reader: Client.objects.clinical_for(reader).filter(status=Client.Status.ADMITTED).select_related("cohort")
)


@clinician_required
def caseload(request):
    clients = _CASELOAD.run(request.user)
    rows = caseload_rows(clients, Program.current().phq_due_days, timezone.localdate())
    link = url_for_each("clinicians:client_measures")
    for client in clients:
        client.link = link(client.pk)
    audit.record("view_caseload", request.user, client_ids=[client.pk for client in clients])
    return render(request, "clinicians/caseload.html", {"rows": rows})


@never_cache
@clinician_required
def export_fhir(request, pk):
    client = _client(request, pk)
    administrations = list(
        Administration.objects.filter(client=client)
        .select_related("entered_by")
        .prefetch_related("answers")
        .order_by("administered_at", "pk")
    )
    bundle = fhir.client_bundle(client, administrations)
    audit.record("export_fhir", client, administrations=len(administrations))
    response = JsonResponse(bundle, content_type="application/fhir+json", json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{client.chart_number}-measures.fhir.json"'
    return response
