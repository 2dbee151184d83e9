"""The safety plan: write a version with the client, sign it, print it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iop import audit
from iop.access import clinician_required

from .access import clinical_client
from .forms import SafetyPlanForm
from .models import SafetyPlan


def _safety_plan_for(user, pk):
    return get_object_or_404(SafetyPlan.objects.visible_to(user).select_related("client", "author", "signed_by"), pk=pk)


@clinician_required
@require_POST
def safety_plan_start(request, pk):
    client = clinical_client(request.user, pk)
    plan, created = SafetyPlan.start_draft(client, request.user)
    if created:
        audit.record("start_safety_plan", plan, client=client, action=audit.Action.CREATE)
    return redirect("clinicians:safety_plan_edit", plan.pk)


@clinician_required
def safety_plan_detail(request, pk):
    plan = _safety_plan_for(request.user, pk)
    audit.record("view_safety_plan", plan)
    versions = SafetyPlan.objects.filter(client=plan.client).order_by("-version")
    return render(
        request, "clinicians/safety_plan_detail.html", {"plan": plan, "client": plan.client, "versions": versions}
    )


@clinician_required
def safety_plan_print(request, pk):
    plan = _safety_plan_for(request.user, pk)
    audit.record("print_safety_plan", plan)
    return render(request, "clinicians/safety_plan_print.html", {"plan": plan, "client": plan.client})


@clinician_required
def safety_plan_edit(request, pk):
    plan = _safety_plan_for(request.user, pk)
    if plan.is_signed or plan.author_id != request.user.pk:
        raise PermissionDenied
    form = SafetyPlanForm(request.POST or None, instance=plan)
    if form.is_valid():
        form.save()
        audit.record("edit_safety_plan", plan, action=audit.Action.UPDATE)
        if "sign" in request.POST:
            plan.sign(request.user)
            audit.record("sign_safety_plan", plan, action=audit.Action.UPDATE)
            messages.success(request, _("Safety plan signed. Print a copy for the client and family."))
            return redirect("clinicians:safety_plan", plan.pk)
        messages.success(request, _("Draft saved."))
        return redirect("clinicians:safety_plan_edit", plan.pk)
    return render(request, "clinicians/safety_plan_form.html", {"plan": plan, "client": plan.client, "form": form})
