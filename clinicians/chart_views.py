"""The client chart for the clinical team: one page per tab, and the client's whole
record of notes a page at a time."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from iop import audit, emergency
from iop.access import clinician_required

from . import chart as chart_sections
from .access import clinical_client
from .chart import timeline


@clinician_required
def chart(request, pk, section=None):
    """One tab of the client's chart: the first (the notes) without ``section``, which
    is that tab's one address; a ``section`` the chart does not have is not found."""
    tab = chart_sections.SECTIONS[0] if section is None else chart_sections.SECTIONS_BY_SLUG.get(section)
    if tab is None:
        raise Http404
    client = clinical_client(request.user, pk)
    if section == tab.slug == chart_sections.SECTIONS[0].slug:
        return redirect("clinicians:chart", pk)
    context = chart_sections.chart(client, request.user, tab)
    # Before anything is shown. A group entry's text is not on the chart: it is read,
    # and recorded, when its row is opened (chart_entry).
    audit.record("view_chart", client, section=tab.slug)
    return render(request, "clinicians/chart/chart.html", context)


@clinician_required
@vary_on_headers("HX-Request")  # the row's content, or a page of its own
def chart_entry(request, pk, entry):
    """One group entry of the client's timeline with its evening's group note: what
    the row shows when opened (fetched then, and recorded as viewed then), or a page
    of its own where the row was followed as a link."""
    client = clinical_client(request.user, pk)
    record = get_object_or_404(chart_sections.entry_details(client, request.user), pk=entry)
    note = getattr(record.session, "group_note", None)
    audit.record_each("view_group_note", [shown for shown in (note, record) if shown], session=record.session_id)
    template = "clinicians/includes/entry_details.html" if request.htmx else "clinicians/entry_detail.html"
    return render(request, template, {"client": client, "record": record, "note": note})


#: Records on one page of a client's notes (a stay of 12 weeks makes about 60).
NOTES_PER_PAGE = 50


@clinician_required
def notes(request, pk):
    """Every note and group entry of the client, newest first, a page at a time (the
    chart shows the latest few). Only the page shown is recorded as viewed."""
    client = clinical_client(request.user, pk)
    records, _more = timeline(client, request.user)
    page = Paginator(records, NOTES_PER_PAGE).get_page(request.GET.get("page"))
    audit.record("view_notes", client, page=page.number)  # a group entry's text: when opened
    return render(request, "clinicians/client_notes.html", {"client": client, "page": page})


def start_version_view(model, event, edit_route):
    """A POST-only view that opens the client's draft of a versioned record
    (treatment plan, safety plan), copying the last signed version, and goes to its editor."""

    @clinician_required
    @require_POST
    def start(request, pk):
        client = clinical_client(request.user, pk)
        draft, created = model.start_draft(client, request.user)
        if created:
            audit.record(event, draft, client=client, action=audit.Action.CREATE)
        return redirect(edit_route, draft.pk)

    return start


def take_over_view(model, event, edit_route):
    """A POST-only view by which a clinician of the client's team takes over a
    colleague's draft of a versioned record. A client has one draft at a time, so a
    draft left by someone off tonight must not hold the record up; the trail keeps
    whose it was."""

    @clinician_required
    @require_POST
    def take_over(request, pk):
        drafts = model.objects.visible_to(request.user).drafts().select_related("client", "author")
        draft = get_object_or_404(drafts, pk=pk)
        if not request.user.is_clinician:
            raise PermissionDenied
        emergency.refuse_writes_under_emergency_access(request.user, draft)  # a bulk update: no save signal
        if draft.author_id != request.user.pk:
            previous = draft.author
            with transaction.atomic():  # taken over and recorded, or neither
                model.objects.filter(pk=draft.pk).update(author=request.user)
                audit.record(event, draft, client=draft.client, action=audit.Action.UPDATE, previous_author=previous.pk)
            started = date_format(timezone.localtime(draft.created_at), "D j M Y, H:i")
            messages.success(
                request,
                _("You now hold the draft %(person)s started on %(started)s; it is yours to finish and sign.")
                % {"person": previous, "started": started},
            )
        return redirect(edit_route, draft.pk)

    return take_over


def discard_view(model, event, section):
    """A POST-only view by which the author discards their own draft of a versioned
    record (started by mistake, or overtaken); signed versions are never touched. The
    trail keeps that the draft existed, with its version."""

    @clinician_required
    @require_POST
    def discard(request, pk):
        drafts = model.objects.visible_to(request.user).drafts().select_related("client")
        draft = get_object_or_404(drafts, pk=pk)
        if draft.author_id != request.user.pk:
            raise PermissionDenied
        client, version = draft.client, draft.version
        with transaction.atomic():
            audit.record(event, draft, client=client, action=audit.Action.DELETE, version=version)
            draft.delete()
        messages.success(request, _("Draft v%(version)s discarded.") % {"version": version})
        return redirect(chart_sections.section_url(client.pk, section))

    return discard
