"""Cohort set-up, the weekly skill of each cohort, generating evenings, closures."""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from iop import audit
from iop.access import admin_required, has_role, staff_required
from iop.models import Role

from .. import changes, curriculum, schedule
from ..forms import ClosureForm, CohortForm, GenerateForm, SkillChoiceForm
from ..models import Closure, Cohort, CohortWeek
from ..recurrence import week_start

WEEKS_OF_SKILLS_SHOWN = 8
GENERATED = _l(
    "%(c)s evenings created (%(x)s of them cancelled by closures), %(k)s already there "
    "(%(t)s of them given the pattern's new times), %(r)s removed from days the pattern no longer has."
)
GENERATE_INTRO = _l(
    "Creates the evenings each cohort's pattern gives for these dates. Running it again adds "
    "nothing twice and never changes charted, cancelled or moved evenings. Coming evenings take a "
    "changed start time, length or family group; coming evenings on days the pattern no longer has "
    "are removed unless something is recorded for them."
)


@staff_required
def cohort_list(request):
    cohorts = (
        Cohort.objects.visible_to(request.user).select_related("lead_clinician").prefetch_related("co_facilitators")
    )
    can_manage = has_role(request.user, Role.PROGRAM_ADMIN, "superuser")
    return render(request, "groups/cohort_list.html", {"cohorts": cohorts, "can_manage": can_manage})


@admin_required
def cohort_form(request, pk=None):
    cohort = get_object_or_404(Cohort, pk=pk) if pk else None
    form = CohortForm(request.POST or None, instance=cohort)
    if form.is_valid():
        cohort = form.save()
        audit.record("cohort_setup", cohort, action=audit.Action.UPDATE if pk else audit.Action.CREATE)
        messages.success(request, _("%(c)s saved. Generate its evenings when the pattern is right.") % {"c": cohort})
        return redirect("groups:cohort_list")
    title = _("Edit %(c)s") % {"c": cohort} if cohort else _("New cohort")
    return render(request, "iop/form.html", {"form": form, "title": title})


@staff_required
def cohort_weeks(request, pk):
    """The skill of each coming week; the cohort's clinicians or an admin may choose another."""
    cohort = get_object_or_404(Cohort.objects.visible_to(request.user), pk=pk)
    this_week = week_start(timezone.localdate())
    mondays = [this_week + datetime.timedelta(weeks=n) for n in range(-1, WEEKS_OF_SKILLS_SHOWN - 1)]
    weeks = curriculum.ensure_weeks(cohort, mondays)
    if request.method == "POST":
        week = get_object_or_404(CohortWeek, cohort=cohort, pk=request.POST.get("week"))
        form = SkillChoiceForm(request.POST)
        if form.is_valid():
            curriculum.choose_skill(week, form.cleaned_data["skill"], request.user)
            messages.success(request, _("Skill for the week of %(d)s changed.") % {"d": week.week_of})
            return redirect("groups:cohort_weeks", cohort.pk)
        messages.error(request, _("Choose a skill from the list."))
    rows = [(weeks[m], SkillChoiceForm(initial={"skill": weeks[m].skill_id})) for m in mondays if m in weeks]
    return render(request, "groups/cohort_weeks.html", {"cohort": cohort, "rows": rows, "this_week": this_week})


@admin_required
def generate(request):
    form = GenerateForm(request.POST or None)
    if form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        cohorts = [form.cleaned_data["cohort"]] if form.cleaned_data["cohort"] else Cohort.objects.all()
        done = schedule.generate_all(cohorts, first, last)
        counts = {"c": done.created, "x": done.cancelled_by_closure, "k": done.kept, "t": done.retimed}
        counts["r"] = done.removed
        messages.success(request, GENERATED % counts)
        return redirect(f"{reverse('groups:week')}?week={first:%Y-%m-%d}")
    context = {"form": form, "title": _("Generate evenings"), "submit": _("Generate")}
    context["intro"] = GENERATE_INTRO
    return render(request, "iop/form.html", context)


@admin_required
def closures(request):
    form = ClosureForm(request.POST or None)
    preview = None
    if form.is_valid():
        data = form.cleaned_data
        preview = list(changes.sessions_closed_by(data["starts_on"], data["ends_on"], data["cohort"]))
        if "confirm" in request.POST and request.POST.get("previewed") != changes.evening_ids(preview):
            # The days or the cohort were changed after the list was shown (or the schedule
            # was): what would be cancelled is not what the admin saw. Show it again.
            messages.warning(
                request,
                _("What this closure cancels has changed since the list was shown. Check the list, then save."),
            )
        elif "confirm" in request.POST:
            closure = form.save(commit=False)
            closure.created_by = request.user
            closure.save()
            cancelled = changes.apply_closure(closure)
            if cancelled:
                message = _("Closure saved. Evenings cancelled: %(n)s. Families have been told.") % {
                    "n": len(cancelled)
                }
            else:
                message = _(
                    "Closure saved. No evenings are scheduled on those days yet: they will be made cancelled, and "
                    "families told, when the schedule reaches them."
                )
            messages.success(request, message)
            return redirect(f"{reverse('groups:week')}?week={closure.starts_on:%Y-%m-%d}")
    upcoming = Closure.objects.filter(ends_on__gte=timezone.localdate() - datetime.timedelta(weeks=4))
    context = {"form": form, "preview": preview, "closures": upcoming.select_related("cohort")}
    if preview is not None:
        context["previewed"] = changes.evening_ids(preview)
    return render(request, "groups/closures.html", context)
