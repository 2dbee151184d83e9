"""The week calendar across cohorts, and hours per client per week."""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from iop.access import staff_required
from iop.date_limits import within
from iop.links import url_for_each
from iop.models import Client
from iop.prepared import Param, Prepared

from ..conflicts import conflicts_for
from ..curriculum import skill_title_of_week
from ..enrollment import expected_counts
from ..hours import ADOLESCENT_MINIMUM_WEEKLY_HOURS, PROGRAM_WEEKLY_HOURS_OFFERED, weekly_hours
from ..models import Session, day_span, local_days
from ..recurrence import week_start

HOURS_WEEKS_SHOWN = 6
# What the week's cards and their warnings read of an evening and its cohort: the
# agenda, the cohort's other settings and the bookkeeping times are left unread.
CARD_FIELDS = (
    "cohort__name",
    "cohort__capacity",
    "starts_at",
    "ends_at",
    "status",
    "kind",
    "room",
    "family_group_starts_at",
    "cancel_reason",
)


#: The week's evenings the reader may see, with their cards' fields and skill.
_WEEK = Prepared(
    lambda reader: (
        Session.objects.visible_to(reader)
        .filter(starts_at__gte=Param("start"), starts_at__lt=Param("end"))
        .select_related("cohort")
        .only(*CARD_FIELDS)
        .annotate(skill_title=skill_title_of_week(Param("monday")))
    )
)


def monday_from(value):
    """The Monday of the week named by ``?week=YYYY-MM-DD`` (this week if absent or bad)."""
    try:
        day = parse_date(value or "")
    except ValueError:
        day = None
    return week_start(day if within(day) else timezone.localdate())


@staff_required
def week(request):
    monday = monday_from(request.GET.get("week"))
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    start, end = day_span(days[0], days[-1])
    sessions = _WEEK.run(request.user, monday=monday, start=start, end=end)
    expected = expected_counts(sessions)
    conflicts = conflicts_for(sessions, expected)
    by_day = {day: [] for day in days}
    detail_url = url_for_each("groups:session_detail")
    # "7 clients expected" once per number, and the clinic's zone once, not once per card.
    expected_text = {n: _expected_text(n) for n in set(expected.values())}
    zone = timezone.get_current_timezone()
    local = local_days(sessions)
    for session in sessions:
        text = expected_text[expected[session.pk]]
        card = _card(session, detail_url(session.pk), text, conflicts.get(session.pk, []), zone)
        by_day.setdefault(local[session.pk], []).append(card)
    context = {
        "monday": monday,
        "days": [(day, by_day[day]) for day in days],
        "previous": monday - datetime.timedelta(weeks=1),
        "next": monday + datetime.timedelta(weeks=1),
        "today": timezone.localdate(),
    }
    return render(request, "groups/week.html", context)


def _expected_text(count):
    return ngettext("%(n)s client expected", "%(n)s clients expected", count) % {"n": count}


def _card(session, url, expected, conflicts, zone):
    """What an evening's card on the week calendar shows, worked out here rather than by
    tags per card (a week has dozens of evenings), as a dict: the template's quickest
    lookup. Every key is set, so no lookup falls through to a missing one. ``expected``
    is the card's "7 clients expected"; ``zone`` the clinic's time zone."""
    card = {
        "pk": str(session.pk),  # text: the template would localize a number, 80 times
        "url": url,
        "cohort": session.cohort.name,
        "hours": session.hours_label_in(zone),
        "room": session.room,
        "cancelled": session.is_cancelled,
        "cancel_reason": session.cancel_reason,
        "expected": "",
        "kind": "",
        "family_group": "",
        "skill": session.skill_title,
        "warnings": "",
    }
    if card["cancelled"]:
        return card
    card["expected"] = expected
    if session.kind != Session.Kind.REGULAR:
        card["kind"] = session.get_kind_display()
    if session.has_family_group:
        starts = timezone.localtime(session.family_group_starts_at)
        card["family_group"] = _("Family group %(t)s") % {"t": f"{starts:%H:%M}"}
    if conflicts:
        # What each warning is, not only how many: "Room 2 is also booked for ...".
        card["warnings"] = [conflict.message for conflict in conflicts]
    return card


@staff_required
def hours(request):
    last = monday_from(request.GET.get("week"))
    mondays = [last - datetime.timedelta(weeks=n) for n in range(HOURS_WEEKS_SHOWN - 1, -1, -1)]
    end = last + datetime.timedelta(days=6)
    clients = (
        Client.objects.visible_to(request.user)
        .filter(enrollments__started_on__lte=end)
        .exclude(discharged_on__lt=mondays[0])
        .distinct()
        .order_by("legal_last_name", "legal_first_name")
    )
    context = {
        "rows": weekly_hours(clients, mondays, timezone.localdate()),
        "mondays": mondays,
        "previous": last - datetime.timedelta(weeks=1),
        "next": last + datetime.timedelta(weeks=1),
        "minimum": ADOLESCENT_MINIMUM_WEEKLY_HOURS,
        "offered": PROGRAM_WEEKLY_HOURS_OFFERED,
    }
    return render(request, "groups/hours.html", context)
