"""Tonight's group: the clinician's evenings, and one evening's chart (attendance,
the shared group note, an entry per attendee, sign all, addenda)."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from groups.attendance import saved_message
from groups.models import Session
from iop import audit
from iop.access import clinician_required

from . import group_charting
from .group_forms import GroupAddendumForm
from .models import GroupNote, IndividualEntry, SignedRecordLocked, add_group_addendum
from .tonight import evening_sheet
from .tonight import tonight as tonight_evenings


def _session_for(user, pk):
    return get_object_or_404(Session.objects.visible_to(user).select_related("cohort"), pk=pk)


def _chart_url(session, anchor=""):
    return reverse("clinicians:group_chart", args=[session.pk]) + (f"#{anchor}" if anchor else "")


@clinician_required
def tonight(request):
    earlier, evenings = tonight_evenings(request.user)
    audit.record("view_tonight", request.user, sessions=[e.session.pk for e in earlier + evenings])
    return render(request, "clinicians/tonight.html", {"evenings": evenings, "earlier": earlier})


@clinician_required
def group_chart(request, pk):
    session = _session_for(request.user, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not request.user.is_clinician:
        raise PermissionDenied
    if action in ("attendance", "all_present"):
        return _take_attendance(request, session, action)
    if action not in ("save", "sign"):
        return _show(request, evening_sheet(session, request.user))
    if any(name.startswith("status_") for name in request.POST):
        # Attendance marks chosen and not saved on their own came along: saved first
        # (signing needs them), or the page comes back with their errors and all typed.
        sheet = evening_sheet(session, request.user, data=request.POST, attendance_data=request.POST)
        if not sheet.attendance_locked:
            if not sheet.attendance.is_valid():
                messages.error(request, _("The attendance marks need attention; nothing was saved yet."))
                return _show(request, sheet, status=400)
            marked = sheet.attendance.save(request.user)
            if marked:
                # Kept even when a draft is refused below: the page says so.
                messages.success(request, saved_message(marked))
    saved, sheet = _save_drafts(request, session)
    if not saved:
        return _show(request, sheet, status=400)
    if action == "sign":
        _sign_all(request, session)
    else:
        messages.success(request, _("Drafts saved."))
    return redirect(_chart_url(session))


def _show(request, sheet, status=200, refused_addendum=None):
    audit.record_each("view_group_note", sheet.shown_records(), session=sheet.session.pk)
    # Opened from a client's chart (?client=pk): lead back there, if they are on this roster.
    came_from = next((client for client in sheet.clients if str(client.pk) == request.GET.get("client")), None)
    context = {"sheet": sheet, "session": sheet.session, "came_from": came_from, "refused_addendum": refused_addendum}
    return render(request, "clinicians/group_chart.html", context, status=status)


def _take_attendance(request, session, action):
    sheet = evening_sheet(session, request.user, attendance_data=request.POST)
    if sheet.attendance_locked:
        messages.error(request, _("This evening is cancelled or charted; attendance can no longer change."))
    elif action == "all_present":
        # The marks chosen on the sheet (late, left early, absent) are saved first:
        # "everyone not recorded" means the rows still left empty, not the ones just set.
        if any(name.startswith("status_") for name in request.POST):
            if not sheet.attendance.is_valid():
                return _show(request, sheet, status=400)
            if sheet.attendance.has_changed():
                sheet.attendance.save(request.user)
        try:
            marked = group_charting.mark_all_present(session, sheet.clients, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            marked_message = ngettext("%(n)s client marked present.", "%(n)s clients marked present.", marked)
            messages.success(request, marked_message % {"n": marked})
    elif sheet.attendance.is_valid():
        saved = sheet.attendance.save(request.user)
        messages.success(request, saved_message(saved))
    else:
        return _show(request, sheet, status=400)
    return redirect(_chart_url(session, "attendance"))


def _save_drafts(request, session, attempts=2):
    """Save every draft form on the page, or none when one of them is invalid.
    Returns (saved, sheet)."""
    sheet = evening_sheet(session, request.user, data=request.POST)
    if not all(form.is_valid() for form in sheet.forms):
        messages.error(request, _("Some parts could not be saved; see the messages below."))
        return False, sheet
    try:
        with transaction.atomic():
            for form in sheet.forms:
                _save_form(request, form)
    except IntegrityError:
        # The page's autosave created one of these drafts a moment ago: save over it.
        if attempts > 1:
            return _save_drafts(request, session, attempts - 1)
        raise
    return True, sheet


def _save_form(request, form):
    if not form.has_changed():
        return  # nothing new typed (and no empty draft for an untouched part)
    record = form.save()
    client = getattr(record, "client", None)
    audit.record("write_group_note", record, client=client, action=audit.Action.UPDATE)


def _sign_all(request, session):
    try:
        result = group_charting.sign_all(session, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    if result.signed:
        # Which ones: the group note, and the entries by client.
        names = [str(getattr(record, "client", None) or _("the group note")) for record in result.signed]
        signed = ngettext(
            "Signed %(n)s note (%(which)s). It is locked now; corrections are made as addenda.",
            "Signed %(n)s notes (%(which)s). They are locked now; corrections are made as addenda.",
            len(result.signed),
        )
        messages.success(request, signed % {"n": len(result.signed), "which": ", ".join(names)})
    if result.incomplete:
        missing = "; ".join(
            f"{getattr(record, 'client', None) or _('group note')} ({', '.join(result.missing[record])})"
            for record in result.incomplete
        )
        messages.warning(
            request,
            ngettext(
                "%(n)s draft is not complete yet and stays unsigned. Still missing: %(missing)s.",
                "%(n)s drafts are not complete yet and stay unsigned. Still missing: %(missing)s.",
                len(result.incomplete),
            )
            % {"n": len(result.incomplete), "missing": missing},
        )
    if result.attended_without_entry:
        messages.warning(
            request,
            _("No individual entry yet for: %(names)s.")
            % {"names": ", ".join(client.display_name for client in result.attended_without_entry)},
        )
    if not result.signed and not result.incomplete:
        messages.info(request, _("Nothing of yours is waiting to be signed."))


@clinician_required
@require_POST
def group_autosave(request, pk):
    """Save one part of the evening as it is typed: 204, or 400 with the form's errors."""
    session = _session_for(request.user, pk)
    if not request.user.is_clinician:
        raise PermissionDenied
    part = request.POST.get("part", "")
    sheet = evening_sheet(session, request.user, data=request.POST)
    form = next((f for f in sheet.forms if f.prefix == part), None)
    if form is None:
        return JsonResponse({"errors": {"__all__": [{"message": _("This part is signed or not yours.")}]}}, status=409)
    refused = None
    if not form.is_valid():
        refused = form.errors.get_json_data()
        # One field refused (a client's name in the shared note, say) keeps the others
        # from being lost: they are saved, and that field keeps what it had.
        form = _form_without(session, request.user, form, part)
        if form is None:
            return JsonResponse({"errors": refused}, status=400)
    try:
        with transaction.atomic():
            _save_form(request, form)
    except (IntegrityError, SignedRecordLocked):
        message = _("Someone else saved this part meanwhile; reload the page.")
        return JsonResponse({"errors": {"__all__": [{"message": message}]}}, status=409)
    saved_at = f"{timezone.localtime():%H:%M}"
    if refused:
        return JsonResponse({"errors": refused, "saved_at": saved_at, "rest_saved": True}, status=400)
    return HttpResponse(status=204, headers={"X-Saved-At": saved_at})


def _form_without(session, user, form, part):
    """``part``'s form again with each refused field as it was stored, if that leaves it
    valid and something else changed; else None. Errors of the form as a whole are not
    a field's, and then nothing is saved."""
    if NON_FIELD_ERRORS in form.errors:
        return None
    data = form.data.copy()
    for name in form.errors:
        stored = form.initial.get(name)
        data[form.add_prefix(name)] = "" if stored is None else stored
    sheet = evening_sheet(session, user, data=data)
    rest = next((f for f in sheet.forms if f.prefix == part), None)
    if rest is None or not rest.is_valid() or not rest.has_changed():
        return None
    return rest


@clinician_required
def group_addendum(request, pk):
    """An addendum to the evening's signed group note, or to one signed entry (``entry``)."""
    session = _session_for(request.user, pk)
    if request.method != "POST":
        # The address a refused addendum was shown at, opened again (Back, a reload).
        return redirect(_chart_url(session))
    entry_pk = request.POST.get("entry")
    if entry_pk:
        queryset = IndividualEntry.objects.visible_to(request.user).filter(session=session)
        record = get_object_or_404(queryset.select_related("client"), pk=entry_pk if entry_pk.isdigit() else 0)
    else:
        record = GroupNote.objects.visible_to(request.user).filter(session=session).first()
        if record is None:
            raise Http404
    if record.author_id != request.user.pk or not record.is_signed:
        raise PermissionDenied
    form = GroupAddendumForm(request.POST)
    anchor = f"entry-{record.client_id}" if entry_pk else "group-note"
    if form.is_valid() and not entry_pk:
        # The group note's addenda are read in every attendee's chart, as the note is.
        found = group_charting.names_in(form.cleaned_data["text"], group_charting.cohort_client_names(session.cohort))
        if found:
            message = _(
                "An addendum to the group note is copied into every attendee's chart, so it must not name a "
                "client (found: %(names)s). Add it to that client's own entry instead."
            ) % {"names": ", ".join(found)}
            refused = {"key": "group", "text": form.cleaned_data["text"], "error": message}
            return _show(request, evening_sheet(session, request.user), status=400, refused_addendum=refused)
    if form.is_valid():
        addendum = add_group_addendum(record, request.user, form.cleaned_data["text"])
        client = getattr(record, "client", None)
        audit.record("group_addendum", addendum, client=client, action=audit.Action.CREATE, record=record.pk)
        messages.success(request, _("Addendum added."))
    else:
        messages.error(request, _("Write the addendum before adding it."))
    return redirect(_chart_url(session, anchor))
