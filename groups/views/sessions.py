"""One evening: its detail, edits, attendance, and moving or adding evenings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from iop import audit
from iop.access import admin_required, has_role, staff_required
from iop.models import Role

from .. import changes
from ..attendance import AttendanceSheet, saved_message
from ..conflicts import conflicts_for
from ..curriculum import skills_by_week
from ..enrollment import roster
from ..forms import MakeUpForm, SessionForm, WhenForm
from ..models import Cohort, Session
from ..recurrence import week_start


def _session_for(request, pk):
    queryset = Session.objects.visible_to(request.user).select_related(
        "cohort", "closure", "replaces__cohort", "moved_to__cohort"
    )
    return get_object_or_404(queryset, pk=pk)


@staff_required
def session_detail(request, pk):
    session = _session_for(request, pk)
    marks = {row.client_id: row for row in session.attendance.all()}
    clients = [(client, marks.get(client.pk)) for client in roster(session)]
    audit.record("view_session", session)
    context = {
        "session": session,
        "clients": clients,
        "conflicts": conflicts_for([session]).get(session.pk, []),
        "skill": skills_by_week([session.cohort_id], [week_start(session.local_date)]).get(
            (session.cohort_id, week_start(session.local_date))
        ),
        "can_manage": has_role(request.user, Role.PROGRAM_ADMIN, "superuser"),
    }
    return render(request, "groups/session_detail.html", context)


MOVE_INTRO = _l(
    "The evening keeps its room, agenda, facilitators and family group. Families are told of the new day and "
    "time at once, the way each has asked to be contacted."
)


def _detail_url(session):
    return reverse("groups:session_detail", args=[session.pk])


@admin_required
def session_edit(request, pk):
    session = _session_for(request, pk)
    form = SessionForm(request.POST or None, instance=session)
    if form.is_valid():
        form.save()
        audit.record("edit_session", session, action=audit.Action.UPDATE)
        messages.success(request, _("Evening updated."))
        return redirect("groups:session_detail", session.pk)
    context = {"form": form, "title": _("Edit %(s)s") % {"s": session}, "cancel": _detail_url(session)}
    return render(request, "iop/form.html", context)


@staff_required
def attendance(request, pk):
    session = _session_for(request, pk)
    sheet = AttendanceSheet(request.POST or None, session=session, clients=roster(session))
    locked = session.is_cancelled or session.is_charted
    if request.method == "POST" and not locked and sheet.is_valid():
        saved = sheet.save(request.user)
        messages.success(request, saved_message(saved))
        return redirect("groups:session_detail", session.pk)
    return render(request, "groups/attendance.html", {"session": session, "sheet": sheet, "locked": locked})


@admin_required
def reschedule(request, pk):
    session = _session_for(request, pk)
    initial = {"day": session.local_date, "start_time": session.local_start.time()}
    form = WhenForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            moved = changes.reschedule(session, form.starts_at(), request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Evening moved; families have been told."))
            return redirect("groups:session_detail", moved.pk)
    context = {"form": form, "title": _("Move %(s)s") % {"s": session}, "submit": _("Move this evening")}
    context.update(intro=MOVE_INTRO, cancel=_detail_url(session))
    return render(request, "iop/form.html", context)


@admin_required
def make_up(request, pk):
    cohort = get_object_or_404(Cohort.objects.visible_to(request.user), pk=pk)
    initial = {"replaces": request.GET.get("replaces"), "start_time": cohort.start_time}
    form = MakeUpForm(request.POST or None, cohort=cohort, initial=initial)
    if form.is_valid():
        try:
            session = changes.add_make_up(
                cohort, form.starts_at(), request.user, replaces=form.cleaned_data["replaces"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Make-up evening added; families have been told."))
            return redirect("groups:session_detail", session.pk)
    context = {"form": form, "title": _("Make-up evening for %(c)s") % {"c": cohort}, "submit": _("Add evening")}
    replaced = form.initial.get("replaces")
    context["cancel"] = reverse("groups:session_detail", args=[replaced]) if str(replaced or "").isdigit() else None
    context["cancel"] = context["cancel"] or reverse("groups:week")
    return render(request, "iop/form.html", context)
