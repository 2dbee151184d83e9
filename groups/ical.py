"""iCalendar feeds: a cohort's evenings for its staff, and a family member's own
child's evenings and family-group times. Feeds name cohorts, never clients."""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from iop.models import Client, Program

from .curriculum import skills_by_week
from .models import Enrollment, Session
from .recurrence import week_start

FEED_PAST = datetime.timedelta(weeks=8)
FEED_FUTURE = datetime.timedelta(weeks=26)


def cohort_feed(cohort):
    now = timezone.now()
    sessions = Session.objects.filter(cohort=cohort, starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_FUTURE)
    return _calendar(_("%(cohort)s group") % {"cohort": cohort.name}, sessions.select_related("cohort"))


def family_feed(member):
    """Sessions of the cohorts the member's own (linked, not suspended) children are
    enrolled in, during their enrollment only (in the active language: the view
    makes it the member's)."""
    now = timezone.now()
    clients = Client.objects.visible_to(member)
    spans = Q(pk__in=[])
    for e in Enrollment.objects.filter(client__in=clients):
        until = e.ended_on or (now + FEED_FUTURE).date()
        spans |= Q(cohort_id=e.cohort_id) & Q(starts_at__date__gte=e.started_on, starts_at__date__lte=until)
    sessions = Session.objects.filter(spans, starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_FUTURE)
    return _calendar(_("Group evenings"), sessions.select_related("cohort").distinct())


def _calendar(name, sessions):
    sessions = list(sessions.order_by("starts_at"))
    program = Program.current()
    skills = skills_by_week({s.cohort_id for s in sessions}, {week_start(s.local_date) for s in sessions})
    calendar = Calendar()
    calendar.add("prodid", "-//Evening IOP//Schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        skill = skills.get((session.cohort_id, week_start(session.local_date)))
        calendar.add_component(_event(session, program, skill))
        if session.has_family_group:
            calendar.add_component(_family_group_event(session, program, skill))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(session, program, skill):
    summary = _("%(cohort)s group") % {"cohort": session.cohort.name}
    description = _("This week's skill: %(skill)s") % {"skill": skill.title} if skill else ""
    return _base_event(
        f"session-{session.pk}", summary, session, session.starts_at, session.ends_at, program, description
    )


def _family_group_event(session, program, skill):
    summary = _("Family group: %(skill)s") % {"skill": skill.title} if skill else _("Family group")
    description = _("Families join the group to learn this week's skill.")
    return _base_event(
        f"family-group-{session.pk}",
        summary,
        session,
        session.family_group_starts_at,
        session.family_group_ends_at,
        program,
        description,
    )


def _base_event(uid, summary, session, starts_at, ends_at, program, description):
    zone = timezone.get_current_timezone()
    event = Event()
    event.add("uid", f"{uid}@iop")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", starts_at.astimezone(zone))
    event.add("dtend", ends_at.astimezone(zone))
    event.add("location", ", ".join(part for part in (session.room, program.address) if part))
    if session.is_cancelled:
        event.add("summary", _("Cancelled: %(evening)s") % {"evening": summary})
        event.add("status", "CANCELLED")
    else:
        event.add("summary", summary)
        event.add("status", "CONFIRMED")
    if description:
        event.add("description", description)
    return event
