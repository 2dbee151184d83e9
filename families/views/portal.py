"""The family portal: a home per child, the week's skill summary and its archive,
contact preferences and language. Every page starts from the member's own links
(``Client.objects.visible_to``), so another client's URL is a 404."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from clinicians.models import ProgressReport
from clinicians.report_views import pdf_response
from groups.models import FamilyCalendarToken
from iop import audit
from iop.access import family_required
from iop.links import back_to_next
from iop.models import Client, Program
from iop.prepared import Prepared

from .. import portal, released
from ..forms import ContactPreferencesForm
from ..models import SkillSummary


def portal_view(view):
    """Family members only; someone marked "do not contact" sees only the neutral page."""

    @family_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.do_not_contact:
            return render(request, "families/portal/paused.html", {"phone": Program.current().phone})
        return view(request, *args, **kwargs)

    return wrapper


#: The member's children, eldest first: every portal page reads them for its menu.
_CHILDREN = Prepared(
    lambda reader: Client.objects.visible_to(reader).select_related("cohort").order_by("date_of_birth", "pk")
)


def _children(request):
    return _CHILDREN.run(request.user)


def _child(request, pk):
    return get_object_or_404(Client.objects.visible_to(request.user).select_related("cohort"), pk=pk)


@portal_view
def home(request):
    children = _children(request)
    if not children:
        suspended = request.user.family_links.filter(portal_suspended=True).exists()
        template = "families/portal/paused.html" if suspended else "families/portal/not_linked.html"
        return render(request, template, {"phone": Program.current().phone})
    return _render_child_home(request, children[0], children)


@portal_view
def child_home(request, pk):
    return _render_child_home(request, _child(request, pk), _children(request))


def _render_child_home(request, child, children):
    week = portal.child_week(child, request.user)
    family_sessions = released.upcoming_family_sessions(child, request.user)
    shown = [("family_view", child, {"page": "home"})]
    if family_sessions:
        shown.append(("family_view_appointments", child, {"appointments": [a.pk for a in family_sessions]}))
    audit.record_together(*shown)
    context = {
        "child": child,
        "children": children,
        "week": week,
        "has_note": week.summary.has_released_note if week.summary else False,
        "family_sessions": family_sessions,
        "reports": released.family_reports(child),
        "calendar_link": FamilyCalendarToken.current_for(request.user),
    }
    return render(request, "families/portal/home.html", context)


@portal_view
def summary(request, pk, summary_pk):
    child = _child(request, pk)
    found = get_object_or_404(
        SkillSummary.objects.for_clients([child]).select_related("cohort_week__cohort"), pk=summary_pk
    )
    audit.record("family_view", found, client=child, page="summary")
    context = {"child": child, "summary": found, "note": portal.released_note(found, child)}
    return render(request, "families/portal/summary.html", context)


@portal_view
def report_download(request, pk, report_pk):
    """A progress report released to this family; anything else is a 404."""
    child = _child(request, pk)
    report = get_object_or_404(ProgressReport.objects.visible_to(request.user).filter(client=child), pk=report_pk)
    response = pdf_response(report)
    audit.record("family_download_report", report, client=child)
    return response


@portal_view
def archive(request, pk):
    child = _child(request, pk)
    audit.record("family_view", child, page="summary_archive")
    context = {"child": child, "summaries": portal.archive(child), "children": _children(request)}
    return render(request, "families/portal/archive.html", context)


@portal_view
def preferences(request):
    form = ContactPreferencesForm(request.POST or None, instance=request.user)
    if form.is_valid():
        person = form.save()
        audit.record("contact_preferences", person, action=audit.Action.UPDATE)
        translation.activate(person.language)
        messages.success(request, _("Your contact preferences are saved."))
        return redirect("families:preferences")
    return render(request, "families/portal/preferences.html", {"form": form})


@family_required
def set_language(request):
    """The portal's language switch: saves the member's preference (the address
    opened directly leads to the preferences page, where the choice also is)."""
    if request.method != "POST":
        return redirect("families:preferences")
    language = request.POST.get("language", "")
    if language in dict(request.user._meta.get_field("language").choices):
        request.user.language = language
        request.user.save(update_fields=["language"])
        translation.activate(language)
    return back_to_next(request, "families:home")
