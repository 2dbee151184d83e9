"""Calendar feeds: a cohort's feed for staff, and a family member's secret link."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from iop import audit
from iop.access import family_required, staff_required
from iop.models import Program

from .. import ical
from ..models import Cohort, FamilyCalendarToken


def _ics(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def cohort_feed(request, pk):
    cohort = get_object_or_404(Cohort.objects.visible_to(request.user), pk=pk)
    return _ics(ical.cohort_feed(cohort), f"{cohort.slug}.ics")


@require_GET
def family_feed(request, token):
    """No login (calendar apps cannot log in): the unguessable token is the key."""
    link = get_object_or_404(
        FamilyCalendarToken.objects.select_related("family_member"),
        token=token,
        revoked_at__isnull=True,
        family_member__is_active=True,
    )
    audit.record("calendar_feed", link, actor=link.family_member)
    with translation.override(link.family_member.language):
        return _ics(ical.family_feed(link.family_member), "group.ics")


@family_required
def family_calendar(request):
    """The family member's own link: show it, make a new one, or turn it off."""
    if request.user.do_not_contact:
        # Their family pages are closed, this one too (no new link to an empty feed).
        return render(request, "families/portal/paused.html", {"phone": Program.current().phone})
    if request.method == "POST":
        if request.POST.get("action") == "renew":
            had_one = FamilyCalendarToken.current_for(request.user) is not None
            FamilyCalendarToken.renew(request.user)
            if had_one:
                messages.success(request, _("New calendar link made. The old link no longer works."))
            else:
                messages.success(request, _("Calendar link made. Add it to your phone's calendar below."))
        else:
            FamilyCalendarToken.revoke_all(request.user)
            messages.success(request, _("Calendar link turned off."))
        return redirect("groups:family_calendar")
    link = FamilyCalendarToken.current_for(request.user)
    url = request.build_absolute_uri(reverse("groups:family_feed", args=[link.token])) if link else ""
    # The same address in the calendar's own scheme: a tap subscribes (on an iPhone, say).
    subscribe = "webcal://" + url.split("://", 1)[1] if url else ""
    return render(request, "groups/family_calendar.html", {"link": link, "url": url, "subscribe": subscribe})
