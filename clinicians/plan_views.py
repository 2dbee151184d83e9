"""Treatment plans: start a version, write it, sign it, record acknowledgements and reviews."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iop import audit
from iop.access import clinician_required
from iop.links import draft_saved

from .chart_views import discard_view, start_version_view, take_over_view
from .guardrails import clinical_wording, copied_texts
from .models import PlanReview, TreatmentPlan
from .plan_forms import (
    AcknowledgementForm,
    InterventionFormSet,
    ObjectiveFormSet,
    PlanReviewForm,
    SignPlanForm,
    TreatmentPlanForm,
    progress_forms,
)


def _plan_for(user, pk):
    return get_object_or_404(
        TreatmentPlan.objects.visible_to(user).select_related("client__cohort", "author", "signed_by"), pk=pk
    )


def _draft_for(user, pk):
    plan = _plan_for(user, pk)
    if plan.is_signed or plan.author_id != user.pk:
        raise PermissionDenied
    return plan


def _not_your_draft(request, plan):
    """Where a page for writing or signing ``plan`` leads instead, with why, once the
    plan is signed (Back after signing, an old link) or is a colleague's draft; None
    when it is the user's own draft."""
    if plan.is_signed:
        messages.info(request, _("This plan version is signed and locked. Start a revision to change it."))
    elif plan.author_id != request.user.pk:
        if not request.user.is_clinician:
            raise PermissionDenied
        messages.error(request, _("This draft is %(person)s's. Take it over to write in it.") % {"person": plan.author})
    else:
        return None
    return redirect("clinicians:plan", plan.pk)


plan_start = start_version_view(TreatmentPlan, "start_plan", "clinicians:plan_edit")
plan_take_over = take_over_view(TreatmentPlan, "take_over_plan", "clinicians:plan_edit")
plan_discard = discard_view(TreatmentPlan, "discard_plan", "plan")


@clinician_required
def plan_detail(request, pk):
    plan = _plan_for(request.user, pk)
    return _render_detail(request, plan, AcknowledgementForm(client=plan.client, plan=plan))


def _render_detail(request, plan, acknowledgement_form, status=200):
    audit.record("view_plan", plan)
    context = {
        "plan": plan,
        "client": plan.client,
        "versions": TreatmentPlan.objects.filter(client=plan.client).order_by("-version"),
        "acknowledgement_form": acknowledgement_form,
        "reviews": plan.reviews.select_related("reviewer").prefetch_related("progress__objective"),
    }
    return render(request, "clinicians/plan_detail.html", context, status=status)


@clinician_required
def plan_edit(request, pk):
    plan = _plan_for(request.user, pk)
    if elsewhere := _not_your_draft(request, plan):
        return elsewhere
    if request.method == "GET":
        audit.record("view_plan", plan)  # the draft's goal, objectives and interventions
    data = request.POST or None
    form = TreatmentPlanForm(data, instance=plan)
    objectives = ObjectiveFormSet(data, instance=plan, prefix="objectives")
    interventions = InterventionFormSet(data, instance=plan, prefix="interventions")
    if data is not None:
        if form.is_valid() and objectives.is_valid() and interventions.is_valid():
            with transaction.atomic():
                form.save()
                objectives.save()
                interventions.save()
            audit.record("edit_plan", plan, action=audit.Action.UPDATE)
            if "sign" in request.POST:
                return redirect("clinicians:plan_sign", plan.pk)
            messages.success(request, _("Draft saved."))
            return draft_saved(request, "clinicians:plan_edit", plan.pk)
        messages.error(request, _("Some entries need attention; nothing was saved yet."))
    context = {"plan": plan, "client": plan.client, "form": form, "objectives": objectives}
    context["interventions"] = interventions
    return render(request, "clinicians/plan_form.html", context)


FORMSETS = {"objectives": ObjectiveFormSet, "interventions": InterventionFormSet}


@clinician_required
def plan_row(request, pk, part):
    """One blank objective or intervention row, added in place by htmx (without
    JavaScript, "Save draft and add rows" gives a blank row too)."""
    plan = _draft_for(request.user, pk)
    if part not in FORMSETS:
        raise Http404
    formset = FORMSETS[part](instance=plan, prefix=part)
    index = request.GET.get("index", "")
    index = int(index) if index.isdigit() else formset.total_form_count()
    form = formset.empty_form
    form.prefix = f"{part}-{index}"
    return render(request, "clinicians/includes/plan_row.html", {"f": form, "part": part})


@clinician_required
def plan_sign(request, pk):
    plan = _plan_for(request.user, pk)
    if elsewhere := _not_your_draft(request, plan):
        return elsewhere
    if request.method == "GET":
        audit.record("view_plan", plan)  # the page shows the plan to be signed
    missing = plan.missing_before_signing()
    copied = copied_texts(plan)
    clinical = clinical_wording(plan.goal)
    form = SignPlanForm(request.POST if request.method == "POST" else None, copied=copied, clinical=clinical)
    if request.method == "POST" and not missing and form.is_valid():
        plan.copied_text_reason = form.cleaned_data.get("copied_text_reason", "")
        plan.sign(request.user)
        confirmed = {"copied_text_confirmed": bool(copied), "clinical_wording_confirmed": bool(clinical)}
        audit.record("sign_plan", plan, action=audit.Action.UPDATE, **confirmed)
        messages.success(request, _("Plan signed. Record the client's and family's acknowledgement when they have it."))
        return redirect("clinicians:plan", plan.pk)
    context = {"plan": plan, "client": plan.client, "missing": missing, "copied": copied, "form": form}
    context["clinical"] = clinical
    return render(request, "clinicians/plan_sign.html", context, status=400 if request.method == "POST" else 200)


@clinician_required
@require_POST
def plan_acknowledge(request, pk):
    plan = _plan_for(request.user, pk)
    if not plan.is_signed:
        raise PermissionDenied
    form = AcknowledgementForm(request.POST, client=plan.client, plan=plan)
    if form.is_valid():
        acknowledgement = form.save(commit=False)
        acknowledgement.plan, acknowledgement.recorded_by = plan, request.user
        try:
            with transaction.atomic():
                acknowledgement.save()
        except IntegrityError:
            messages.info(request, _("That acknowledgement was already recorded."))
        else:
            audit.record("acknowledge_plan", plan, action=audit.Action.UPDATE, party=acknowledgement.party)
            messages.success(request, _("Acknowledgement recorded."))
    else:
        # Shown again with what was typed and the message beside its field.
        return _render_detail(request, plan, form, status=400)
    return redirect("clinicians:plan", plan.pk)


@clinician_required
def plan_review(request, pk):
    plan = _plan_for(request.user, pk)
    if not plan.is_signed:
        raise PermissionDenied
    if request.method == "GET":
        audit.record("view_plan", plan)  # its objectives, to review
    objectives = list(plan.objectives.all())
    form = PlanReviewForm(request.POST or None, instance=PlanReview(plan=plan, reviewer=request.user))
    progress = progress_forms(objectives, request.POST or None)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in progress):
        with transaction.atomic():
            review = form.save()
            for entry in progress:
                entry.instance.review, entry.instance.objective = review, entry.objective
                entry.save()
        audit.record("review_plan", plan, action=audit.Action.UPDATE, review=review.pk)
        due = date_format(plan.review_due_on(), "D j M Y")
        messages.success(request, _("Review recorded. The next review is due %(day)s.") % {"day": due})
        return redirect("clinicians:plan", plan.pk)
    context = {"plan": plan, "client": plan.client, "form": form, "progress": progress}
    return render(request, "clinicians/plan_review.html", context)
