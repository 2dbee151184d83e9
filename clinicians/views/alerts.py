"""The safety alert page: what raised it, acknowledging it, and the risk
assessment that closes it."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from clinicians.chart import Versions, safety_plan_versions
from clinicians.forms import RiskAssessmentForm
from clinicians.models import SafetyAlert
from clinicians.models.alerts import AlreadyClosed
from iop import audit, emergency
from iop.access import clinician_required
from iop.models import Client, Program


def _alerts(request):
    return SafetyAlert.objects.visible_to(request.user).select_related(
        "client", "owner", "acknowledged_by", "administration", "risk_assessment__assessed_by"
    )


def _form(request, alert, data=None):
    """The risk assessment form, with the safety plan versions it checks (none once
    closed): those the user may read. The on-call clinician sees every alert, not
    every chart; without the chart they see no plan and are offered emergency access."""
    if alert.is_handled:
        return RiskAssessmentForm(data, alert=alert, safety_plans=None)
    try:
        # Opened as the chart opens it: its versions are then read by client alone.
        client = Client.objects.open_clinical(request.user, alert.client_id)
    except Client.DoesNotExist:
        return RiskAssessmentForm(data, alert=alert, safety_plans=Versions(), reads_chart=False)
    # Read by breaking the glass, the chart is not theirs to write in: the team signs the plan.
    writes = client.pk not in emergency.emergency_only_clients(request.user)
    versions = safety_plan_versions(client, request.user)
    return RiskAssessmentForm(data, alert=alert, safety_plans=versions, writes_plan=writes)


def panel_state(safety_plans):
    """What the safety plan panel shows, in a word: its current version and its
    draft with the draft's author. The panel asks again with it and is answered
    204 when nothing changed."""
    if safety_plans is None:
        return ""
    current, draft = safety_plans.current, safety_plans.draft
    return f"{current.pk if current else 0}-{draft.pk if draft else 0}-{draft.author_id if draft else 0}"


def _with_panel_state(context):
    return {**context, "panel_state": panel_state(context["safety_plans"])}


def _render(request, alert, form, status=200, **extra):
    return render(
        request,
        "clinicians/alert.html",
        _with_panel_state(
            {
                "alert": alert,
                "administration": alert.administration,
                "form": form,
                "safety_plans": form.safety_plans,
                "escalates_at": alert.escalation_due_at(Program.current()),
                **extra,
            }
        ),
        status=status,
    )


@clinician_required
@vary_on_headers("HX-Request")  # the page, or its panel for htmx
def alert_detail(request, pk):
    alert = get_object_or_404(_alerts(request), pk=pk)
    if request.htmx:
        # The safety plan panel asking again as the clinician comes back from the tab
        # where the plan was written: the same fragment, from the same visibility.
        # The page's opening was audited; its panel refreshing is not a new reading.
        if alert.is_handled:
            return HttpResponse(status=204)  # closed meanwhile: saving the form says so
        form = _form(request, alert)
        if request.GET.get("panel") == panel_state(form.safety_plans):
            return HttpResponse(status=204)  # as shown: nothing swapped, nothing announced
        context = {"alert": alert, "form": form, "safety_plans": form.safety_plans}
        return render(request, "clinicians/includes/alert_safety_plan.html", _with_panel_state(context))
    audit.record("view_alert", alert, client=alert.client)
    return _render(request, alert, _form(request, alert))


@clinician_required
@require_POST
def acknowledge_alert(request, pk):
    with transaction.atomic():
        alert = get_object_or_404(_alerts(request).select_for_update(of=("self",)), pk=pk)
        if alert.acknowledge(request.user):
            audit.record("acknowledge_alert", alert, client=alert.client, action=audit.Action.UPDATE)
            messages.success(request, "Alert acknowledged. Document the risk assessment to close it.")
    return redirect("clinicians:alert", pk=pk)


@clinician_required
@require_POST
def document_risk_assessment(request, pk):
    alert = get_object_or_404(_alerts(request), pk=pk)
    if alert.is_handled:
        messages.info(request, "This alert is already closed.")
        return redirect("clinicians:alert", pk=pk)
    form = _form(request, alert, request.POST)
    if not form.is_valid():
        audit.record("view_alert", alert, client=alert.client)
        return _render(request, alert, form)
    assessment = form.save(commit=False)
    assessment.assessed_by = request.user
    try:
        with transaction.atomic():
            alert.close_with(assessment)
            audit.record("close_alert", alert, client=alert.client, action=audit.Action.UPDATE)
    except AlreadyClosed:
        # A colleague's assessment closed it a moment ago; theirs stands, and this one
        # is shown again with what was typed, so nothing is lost.
        alert = get_object_or_404(_alerts(request), pk=pk)
        messages.warning(
            request,
            _(
                "A colleague closed this alert a moment ago with their risk assessment, shown below. What you "
                "typed is under it: add anything further as a note."
            ),
        )
        audit.record("view_alert", alert, client=alert.client)
        typed = request.POST.get("notes", "")
        writes = Client.objects.writable_clinical_for(request.user).filter(pk=alert.client_id).exists()
        return _render(request, alert, _form(request, alert), status=409, typed_notes=typed, writes_notes=writes)
    messages.success(request, "Risk assessment saved; the alert is closed.")
    return redirect("clinicians:alert", pk=pk)
