"""The safety plan: write a version with the client, sign it, print it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from iop import audit
from iop.access import clinician_required
from iop.links import draft_saved

from .chart_forms import SafetyPlanForm
from .chart_views import discard_view, start_version_view, take_over_view
from .models import SafetyPlan


def _safety_plan_for(user, pk):
    return get_object_or_404(SafetyPlan.objects.visible_to(user).select_related("client", "author", "signed_by"), pk=pk)


safety_plan_start = start_version_view(SafetyPlan, "start_safety_plan", "clinicians:safety_plan_edit")
safety_plan_take_over = take_over_view(SafetyPlan, "take_over_safety_plan", "clinicians:safety_plan_edit")
safety_plan_discard = discard_view(SafetyPlan, "discard_safety_plan", "safety-plan")


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
    if plan.is_signed:
        messages.error(request, _("This safety plan is signed and locked. Start a revision to change it."))
        return redirect("clinicians:safety_plan", plan.pk)
    if plan.author_id != request.user.pk:
        if not request.user.is_clinician:
            raise PermissionDenied
        messages.error(request, _("This draft is %(person)s's. Take it over to write in it.") % {"person": plan.author})
        return redirect("clinicians:safety_plan", plan.pk)
    # Whatever is written is saved, signing or not: a plan refused for an empty step
    # keeps what was typed, in the page and in the draft.
    if request.method == "GET":
        audit.record("view_safety_plan", plan)  # the draft's steps, as its page shows them
    form = SafetyPlanForm(request.POST or None, instance=plan)
    if form.is_valid():
        form.save()
        audit.record("edit_safety_plan", plan, action=audit.Action.UPDATE)
        if "sign" not in request.POST:
            messages.success(request, _("Draft saved."))
            return draft_saved(request, "clinicians:safety_plan_edit", plan.pk)
        empty = plan.empty_steps()
        if not empty:
            plan.sign(request.user)
            audit.record("sign_safety_plan", plan, action=audit.Action.UPDATE)
            messages.success(request, _("Safety plan signed. Print a copy for the client and family."))
            return redirect("clinicians:safety_plan", plan.pk)
        for name in empty:
            form.add_error(name, _("Needed to sign: write this step with the client."))
        messages.warning(request, _("Draft saved, not signed: the steps marked below are still empty."))
    return render(
        request,
        "clinicians/safety_plan_form.html",
        {"plan": plan, "client": plan.client, "form": form},
        status=400 if request.method == "POST" else 200,
    )
