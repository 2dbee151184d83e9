"""Everything the client chart shows, a tab at a time, each tab gathered in a fixed
number of queries."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from groups.hours import ADOLESCENT_MINIMUM_WEEKLY_HOURS, weekly_hours
from groups.models import Session
from groups.recurrence import weeks_between
from iop import emergency
from iop.links import url_for_each
from iop.models import Client, Program, is_opened
from iop.prepared import Param, ParamList, Prepared

from .models import (
    Administration,
    Discharge,
    IndividualEntry,
    Medication,
    Note,
    ProgressReport,
    SafetyAlert,
    SafetyPlan,
    TreatmentPlan,
)

#: Questionnaires on the chart's measures tab; the measures page has them all.
RECENT_SCORES = 4
#: Progress reports listed on the chart's reports tab, newest first.
RECENT_REPORTS = 10
#: Weeks on the chart's attendance tab (a typical stay is 6-12 weeks).
RECENT_WEEKS = 12
#: Notes and group entries on the chart's notes tab, newest first (about three weeks
#: of evenings and check-ins); the client's notes page has them all.
RECENT_RECORDS = 15
#: Family sessions and check-ins on the chart's family tab, newest first.
RECENT_FAMILY_NOTES = 5


@dataclass
class Versions:
    """A versioned record's history: newest first, the last signed one, the open draft."""

    all: list = field(default_factory=list)

    @property
    def current(self):
        return next((v for v in self.all if v.is_signed), None)

    @property
    def draft(self):
        return next((v for v in self.all if not v.is_signed), None)


def safety_plan_versions(client, user):
    """The client's safety plan versions ``user`` may read, newest first (numbers,
    dates, signatures and authors only)."""
    fields = ("client_id", "version", "created_at", "signed_at", "signed_by_id", *AUTHOR_FIELDS)
    versions = SafetyPlan.objects.of_opened(client, user).select_related("author").only(*fields)
    return Versions(list(versions.order_by("-version")))


_PLAN_VERSIONS = Prepared(
    lambda: (
        TreatmentPlan.objects.filter(client=Param("client")).select_related("author", "signed_by").order_by("-version")
    )
)


def plan_versions(client):
    """The client's plan versions; only the current (signed) one is shown in full,
    so only its objectives, interventions, acknowledgements and reviews are read."""
    plans = Versions(_PLAN_VERSIONS.run(client=client))
    if plans.current:
        prefetch_related_objects(
            [plans.current],
            "objectives",
            Prefetch("interventions__responsible"),
            "acknowledgements__family_member",
            "reviews",
        )
    return plans


def header(client, user):
    """What every tab of ``client``'s chart shows above its section: the client, the
    read-only notice of emergency access, the discharge, and the alerts to follow up."""
    return {
        "client": client,
        # Breaking the glass opens the chart read-only: no buttons that would be refused.
        "read_only_until": emergency.read_only_until(user, client),
        # Recording a discharge ends the stay at once (``clinicians.discharging``), so a
        # client in the program has none for this episode: only the others are looked up.
        "discharge": None if client.status == Client.Status.ADMITTED else Discharge.objects.of_episode(client),
        **alerts_to_follow_up(client, user),
    }


def plan_section(client, user):
    plans = plan_versions(client)
    current = plans.current
    last_review = current.reviews.all()[0] if current and current.reviews.all() else None
    review_due_on = None
    if current:
        last_reviewed_on = last_review.reviewed_on if last_review else None
        review_due_on = current.review_due_on(last_reviewed_on, Program.current().plan_review_days)
    return {
        "plans": plans,
        "plan": current,
        "last_review": last_review,
        "review_due_on": review_due_on,
        "review_overdue": bool(review_due_on) and review_due_on < timezone.localdate(),
    }


def notes_section(client, user):
    records, more_records = timeline(client, user, RECENT_RECORDS)
    return {
        "timeline": records,
        "more_records": more_records,
        "unsigned_records": sum(not record.is_signed for record in records),
        "can_prescribe": user.is_prescriber,
    }


def measures_section(client, user):
    return {"recent_scores": list(Administration.objects.filter(client=client)[:RECENT_SCORES])}


def attendance_section(client, user):
    return {"attendance_weeks": attendance_weeks(client), "minimum_hours": ADOLESCENT_MINIMUM_WEEKLY_HOURS}


def family_section(client, user):
    family = _notes(client, user).filter(kind__in=Note.FAMILY_KINDS).order_by("-occurred_at", "-pk")
    family_notes = list(family[: RECENT_FAMILY_NOTES + 1])
    link_timeline(family_notes, user)
    return {
        "family_notes": family_notes[:RECENT_FAMILY_NOTES],
        "more_family_notes": len(family_notes) > RECENT_FAMILY_NOTES,
        "family_links": list(client.family_links.select_related("family_member")),
    }


def medications_section(client, user):
    return {
        "medications": list(Medication.objects.filter(client=client).select_related("prescriber")),
        "can_prescribe": user.is_prescriber,
    }


def safety_plan_section(client, user):
    return {"safety_plans": safety_plan_versions(client, user)}


def reports_section(client, user):
    return {"reports": list(ProgressReport.objects.of_opened(client, user)[:RECENT_REPORTS])}


@dataclass(frozen=True)
class Section:
    """One tab of the chart: its name in the address (and the id of its part of the
    page), its label, and what it reads."""

    slug: str
    label: str
    read: Callable

    @property
    def template(self):
        return f"clinicians/chart/{self.slug.replace('-', '_')}_section.html"


#: The chart's tabs, in the order shown. The chart opens on the first: the newest notes
#: and group entries, with any drafts still to sign. Each tab reads only its own records,
#: so a chart opens as fast as a short page whatever the length of the stay.
SECTIONS = (
    Section("notes", gettext_lazy("Notes"), notes_section),
    Section("plan", gettext_lazy("Treatment plan"), plan_section),
    Section("measures", gettext_lazy("Measures"), measures_section),
    Section("attendance", gettext_lazy("Attendance"), attendance_section),
    Section("family", gettext_lazy("Family"), family_section),
    Section("medications", gettext_lazy("Medications"), medications_section),
    Section("safety-plan", gettext_lazy("Safety plan"), safety_plan_section),
    Section("reports", gettext_lazy("Reports"), reports_section),
)
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


def section_url(client_pk, slug):
    """The address of one tab of a client's chart (no fragment: the page opens at its
    top, where the header's safety alerts are)."""
    return reverse("clinicians:chart_section", args=[client_pk, slug])


def chart(client, user, section=SECTIONS[0]):
    """One tab of ``client``'s chart (a ``Section``), with the header every tab shows,
    for a ``user`` already allowed to read it: ``client`` comes from
    ``clinicians.access.clinical_client`` (``Client.objects.open_clinical``), and the
    tabs read its records by client alone, or through ``of_opened``."""
    return {**header(client, user), "sections": SECTIONS, "section": section, **section.read(client, user)}


def _alerts_followed(reader, opened):
    alerts = SafetyAlert.objects.of_client(Param("client"), reader, opened=opened)
    return (alerts.unhandled() | alerts.safety_plan_owed()).select_related("risk_assessment__assessed_by")


_ALERTS_FOLLOWED = Prepared(_alerts_followed)


def alerts_to_follow_up(client, user):
    """The client's open alerts, and the closed ones still owing a safety plan
    (``SafetyAlertQuerySet.safety_plan_owed``), read together."""
    followed = _ALERTS_FOLLOWED.run(user, is_opened(client, user), client=client)  # newest first
    owed = [alert for alert in followed if alert.is_handled]
    return {
        "open_alerts": [alert for alert in followed if not alert.is_handled],
        # Owed since the first alert that recorded one (a version signed now settles them
        # all), while the client is in the program (discharge waits for it).
        "safety_plan_owed": owed[-1] if owed and client.status == Client.Status.ADMITTED else None,
    }


#: What a timeline row shows of its author (``User.display_name``).
AUTHOR_FIELDS = ("author", "author__first_name", "author__last_name", "author__email", "author__credential")
#: What a timeline row shows of a note (the note itself is on its own page).
NOTE_ROW_FIELDS = ("client", "kind", "occurred_at", "participants", "signed_at", *AUTHOR_FIELDS)
#: What a timeline row shows of a group entry: its evening's time and cohort, its
#: author, whether it is signed and whether risk was observed (a mark that must not
#: wait for a click). What was written (the entry and the evening's group note) is
#: read when the row is opened (``entry_details``).
ENTRY_ROW_FIELDS = ("client", "signed_at", "risk", "session__starts_at", "session__cohort__name", *AUTHOR_FIELDS)


def _notes(client, user):
    """``client``'s notes as timeline rows. Unordered: the count of addenda groups the
    query, and grouped queries drop the model's ordering."""
    return _note_rows(Note.objects.of_opened(client, user))


def _note_rows(notes):
    return notes.select_related("author").only(*NOTE_ROW_FIELDS).annotate(addenda_count=Count("addenda"))


def _entry_rows(entries):
    return (
        entries.select_related("session__cohort", "author")
        .only(*ENTRY_ROW_FIELDS)
        .annotate(addenda_count=Count("addenda"))
    )


def entry_details(client, user):
    """``client``'s group entries, each with its evening's group note: what a timeline
    row shows when opened."""
    return IndividualEntry.objects.of_opened(client, user).select_related(
        "session__cohort", "session__group_note", "author"
    )


def _window(model, rows, order):
    """The timeline's query for one kind of record (``model``, read as ``rows``), as a
    prepared query: the client's ``limit`` + 1 newest by ``order``, and every draft."""

    def build(reader, opened, limit):
        mine = model.objects.of_client(Param("client"), reader, opened=opened)
        return rows(mine).filter(_newest(mine.order_by(*order), limit + 1))

    return Prepared(build)


_NOTES_WINDOW = _window(Note, _note_rows, ("-occurred_at", "-pk"))
_ENTRIES_WINDOW = _window(IndividualEntry, _entry_rows, ("-session__starts_at", "-pk"))


def timeline(client, user, limit=None):
    """``client``'s notes and group entries, newest first, each with its ``chart_link``,
    and whether some are not shown. With a ``limit``, the ``limit`` newest records and
    every unsigned draft, however old (a late entry dated weeks back must not drop out
    of sight before it is signed). Several records a day are normal: a group entry and
    a check-in on the same evening."""
    if limit is None:
        notes = _notes(client, user)
        entries = _entry_rows(IndividualEntry.objects.of_opened(client, user))
        records = sorted([*notes, *entries], key=_newest_first, reverse=True)
        link_timeline(records, user)
        return records, False
    # Of each kind, the limit + 1 newest (one more than shown: if either kind has more,
    # so does the timeline) and its drafts, in one query.
    opened = is_opened(client, user)
    windows, drafts = [], []
    for window in (_NOTES_WINDOW, _ENTRIES_WINDOW):
        # Drafts outside the window are older than every row in it, so they sort after it.
        rows = sorted(window.run(user, opened, limit, client=client), key=_newest_first, reverse=True)
        windows += rows[: limit + 1]
        drafts += rows[limit + 1 :]
    windows.sort(key=_newest_first, reverse=True)
    shown = windows[:limit] + [record for record in windows[limit:] if not record.is_signed] + drafts
    records = sorted(shown, key=_newest_first, reverse=True)
    link_timeline(records, user)
    return records, len(windows) > limit


def _newest(queryset, count):
    """A filter for the ``count`` first rows of ``queryset`` and every draft of its model."""
    return Q(pk__in=queryset.values("pk")[:count]) | Q(signed_at__isnull=True)


def _newest_first(record):
    return (record.occurred_at, record.pk)


#: Which of some evenings (``evenings``: their keys) open for the reader. By key, not
#: by the client's entries: the planner reads a clinician's evenings as most of them
#: and scanned them all (3 ms) where looking up the timeline's few takes 0.3 ms.
_OPENABLE_EVENINGS = Prepared(
    lambda reader: (
        Session.objects.visible_to(reader)
        .filter(pk__in=ParamList("evenings"))
        .order_by()  # a set of ids: not the evenings' order, which joins their cohorts
        .values_list("pk", flat=True)
    )
)


def link_timeline(records, user):
    """Set ``chart_link`` on each timeline row of a client: a note's page; for a
    group entry its evening's chart page at the client's entry, or "" where that page
    does not open for ``user`` (a clinician who reaches the client through a grant
    only), and ``details_link``, where the entry's details are read. Routes are
    reversed once, and evenings are checked in one query (none without entries)."""
    note_url = url_for_each("clinicians:note")
    entries = [record for record in records if record.is_group_entry]
    for record in records:
        if not record.is_group_entry:
            record.chart_link = note_url(record.pk)
    if not entries:
        return
    details_url = url_for_each("clinicians:chart_entry", entries[0].client_id)
    for entry in entries:
        entry.details_link = details_url(entry.pk)
    openable = set(_OPENABLE_EVENINGS.run(user, evenings=sorted({entry.session_id for entry in entries})))
    evening_url = url_for_each("clinicians:group_chart")
    for entry in entries:
        opens = entry.session_id in openable
        link = f"{evening_url(entry.session_id)}?client={entry.client_id}#entry-{entry.client_id}"
        entry.chart_link = link if opens else ""


def attendance_weeks(client, today=None):
    """Hours attended per week of the stay (newest first, the last RECENT_WEEKS),
    against the 6-hour adolescent minimum; empty before admission."""
    today = today or timezone.localdate()
    if client.admitted_on is None:
        return []
    last = min(client.discharged_on or today, today)
    mondays = weeks_between(client.admitted_on, last)[-RECENT_WEEKS:]
    (weeks,) = weekly_hours([client], mondays, today)
    return [week for week in reversed(weeks.weeks) if week.enrolled]
