"""Clinicians' pages for the weekly skill summaries: the weeks of their cohorts,
editing and publishing a summary, and a personal note for one client's family."""

import datetime

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import CohortWeek, Enrollment
from groups.recurrence import week_start
from iop import audit
from iop.access import clinician_required
from iop.models import Client

from .. import summaries
from ..forms import PersonalNoteForm, SkillSummaryForm
from ..models import PersonalNote, SkillSummary

WEEKS_BACK, WEEKS_AHEAD = 8, 2


def _cohort_weeks(user):
    weeks = CohortWeek.objects.select_related("cohort", "skill")
    if user.is_superuser:
        return weeks
    return weeks.filter(Q(cohort__lead_clinician=user) | Q(cohort__co_facilitators=user)).distinct()


@clinician_required
def summary_list(request):
    monday = week_start(timezone.localdate())
    weeks = (
        _cohort_weeks(request.user)
        .filter(
            week_of__gte=monday - datetime.timedelta(weeks=WEEKS_BACK),
            week_of__lte=monday + datetime.timedelta(weeks=WEEKS_AHEAD),
        )
        .select_related("summary")
        .order_by("-week_of", "cohort__age_min")
    )
    return render(request, "families/staff/summary_list.html", {"weeks": weeks, "this_week": monday})


def _clients_of_week(user, week):
    """Clients of the cohort that week whose chart ``user`` may read (for personal notes)."""
    sunday = week.week_of + datetime.timedelta(days=6)
    enrolled = Enrollment.objects.filter(cohort=week.cohort, started_on__lte=sunday).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=week.week_of)
    )
    return Client.objects.clinical_for(user).filter(pk__in=enrolled.values("client"))


@clinician_required
def summary_edit(request, pk):
    week = get_object_or_404(_cohort_weeks(request.user), pk=pk)
    summary = summaries.draft_for(week)
    form = SkillSummaryForm(request.POST or None, instance=summary)
    if form.is_valid():
        with transaction.atomic():
            summary = form.save(commit=False)
            summary.edited_by = request.user
            summary.save()
            audit.record("edit_summary", summary, action=audit.Action.UPDATE)
            if request.POST.get("action") == "publish" and not summary.is_published:
                summaries.publish(summary, by=request.user, base_url=request.build_absolute_uri("/"))
                messages.success(request, _("Published. Families have been told."))
            else:
                messages.success(request, _("Summary saved."))
        return redirect("families:summary_edit", week.pk)
    notes = {}
    if summary.pk:
        notes = {n.client_id: n for n in PersonalNote.objects.filter(summary=summary)}
    clients = [(c, notes.get(c.pk)) for c in _clients_of_week(request.user, week)] if summary.pk else []
    context = {"week": week, "summary": summary, "form": form, "clients": clients}
    return render(request, "families/staff/summary_edit.html", context)


@clinician_required
def personal_note(request, pk, client_pk):
    summary = get_object_or_404(
        SkillSummary.objects.visible_to(request.user).select_related("cohort_week__cohort"), pk=pk
    )
    client = get_object_or_404(_clients_of_week(request.user, summary.cohort_week), pk=client_pk)
    note = PersonalNote.objects.filter(summary=summary, client=client).first() or PersonalNote(
        summary=summary, client=client, written_by=request.user
    )
    form = PersonalNoteForm(request.POST or None, instance=note)
    if request.method == "POST" and note.is_released:
        messages.error(request, _("This note was released to the family and can no longer be changed."))
    elif form.is_valid():
        with transaction.atomic():
            note = form.save()
            audit.record("write_family_note", note, client=client, action=audit.Action.UPDATE)
            if request.POST.get("action") == "release":
                summaries.release_note(note, by=request.user)
                messages.success(request, _("Note released to the family."))
            else:
                messages.success(request, _("Note saved; the family does not see it until you release it."))
        return redirect("families:summary_edit", summary.cohort_week_id)
    return render(
        request, "families/staff/personal_note.html", {"summary": summary, "client": client, "form": form, "note": note}
    )
