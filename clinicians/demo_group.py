"""Demo group charting: every past evening of the demo cohorts (the six weeks the
schedule demo generates) gets a signed group note by the cohort's lead and a signed
entry per attendee. Today's evenings are left for the demo clinician to chart.
Idempotent: evenings that already have a group note are left alone."""

import datetime
import hashlib

from django.utils import timezone

from groups.curriculum import skills_by_week
from groups.models import Attendance, Session
from groups.recurrence import week_start

from .group_charting import ATTENDED
from .models import GroupNote, IndividualEntry, TreatmentPlan

# Shared themes: about the group, never about one member (the note lands in every chart).
THEMES = [
    "Pressure around end-of-term exams and how to ask teachers for help.",
    "Arguments at home about phones and bedtimes; wanting more privacy.",
    "Feeling left out in group chats; what a real friend does.",
    "Sleep: staying up late to avoid the next day, and how that feeds low mood.",
    "Getting through the first hour of school when anxiety peaks.",
    "Telling a parent what you need without the conversation turning into a fight.",
    "Boredom versus rest: how to tell them apart on a weekend.",
    "Comparing yourself with others online, and muting accounts that make it worse.",
    "Returning to school after time away: what to say when classmates ask.",
    "What urges feel like in the body, and riding them out without acting.",
]
OPENERS = [
    "Opened with a mindful minute and a weekend check-in round.",
    "Opened with a feelings thermometer round and a review of last night's home practice.",
    "Opened with a grounding exercise (five senses) and a diary card review.",
    "Opened with a quick win-of-the-day round and the week's home practice.",
]
CLOSERS = [
    "Closed with each member naming one place to practise before the next group.",
    "Closed with a breathing exercise and home practice cards.",
    "Closed with a gratitude round and a reminder about the weekend plan.",
]

MOODS = [
    "Euthymic, bright and reactive",
    "Mildly anxious, restricted at first, brighter by the end",
    "Flat, tired; brightened during the role-play",
    "Irritable early on, settled after the break",
    "Calm, engaged, appropriate range",
    "Low, tearful briefly when talking about school; recovered",
]
PROGRESS = [
    "{name} described practising {skill} twice since last group and linked it to: {objective}",
    "{name} said the week was hard but used a skill once instead of shutting down; still working on: {objective}",
    "{name} reported steady progress toward: {objective} Gave a concrete example from school.",
    "{name} struggled to name a use of the skill this week; we planned one small step toward: {objective}",
    "{name} helped another member practise and reported using {skill} at home on Sunday.",
]
PLANS = [
    "Continue daily practice of {skill}; bring the diary card on Monday.",
    "Review the home-practice card at the next individual check-in.",
    "Try the skill once before school this week; report back in group.",
    "Share the skill with family at the Wednesday family group.",
]
# The highest-risk teen once disclosed passive thoughts in group; what was done is recorded.
RISK_CHART, RISK_WEEKS_AGO = "T-1004", 2
RISK_DETAILS = (
    "Mentioned in group that 'it would be easier not to wake up' last weekend. Spoke one-to-one at the break: "
    "passive thoughts only, no plan or intent, no self-harm since last week. Safety plan reviewed together; "
    "parent called at pick-up. Lead clinician informed."
)
# Mostly active or prompted; now and then quieter.
PARTICIPATION = ["active", "active", "prompted", "active", "prompted", "minimal", "active", "withdrawn"]


def pick(items, *keys):
    """The same choice every time for the same keys, varied across them."""
    digest = hashlib.sha256(":".join(str(k) for k in keys).encode()).hexdigest()
    return items[int(digest, 16) % len(items)]


def seed(today, log):
    sessions = list(
        Session.objects.scheduled()
        .filter(starts_at__lt=_midnight(today), group_note__isnull=True)
        .filter(starts_at__gte=_midnight(week_start(today) - datetime.timedelta(weeks=6)))
        .select_related("cohort__lead_clinician")
    )
    if not sessions:
        log(f"{GroupNote.objects.count()} group notes (nothing to add)")
        return
    skills = skills_by_week({s.cohort_id for s in sessions}, {week_start(s.local_date) for s in sessions})
    attended = _attendees(sessions)
    objectives = _first_objectives({client.pk for clients in attended.values() for client in clients})
    notes, entries = [], []
    for session in sessions:
        skill = skills.get((session.cohort_id, week_start(session.local_date)))
        skill_title = skill.title if skill else "Skills review"
        lead = session.cohort.lead_clinician
        written, signed = (
            session.ends_at + datetime.timedelta(minutes=10),
            session.ends_at + datetime.timedelta(minutes=35),
        )
        notes.append(
            GroupNote(
                session=session,
                author=lead,
                created_at=written,
                signed_at=signed,
                signed_by=lead,
                skill=skill_title,
                activities=_activities(session, skill),
                themes=pick(THEMES, session.cohort_id, session.local_date),
            )
        )
        for client in attended.get(session.pk, []):
            entries.append(_entry(session, client, skill_title, objectives.get(client.pk, ""), lead, written, signed))
    GroupNote.objects.bulk_create(notes)
    IndividualEntry.objects.bulk_create(entries)
    for session, note in zip(sessions, notes, strict=True):
        session.charted_at = note.signed_at
    Session.objects.bulk_update(sessions, ["charted_at"])
    log(f"{len(notes)} group notes and {len(entries)} individual entries added ({GroupNote.objects.count()} in all)")


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _attendees(sessions):
    rows = Attendance.objects.filter(session__in=sessions, status__in=ATTENDED).select_related("client")
    attended = {}
    for row in rows.order_by("client__legal_last_name"):
        attended.setdefault(row.session_id, []).append(row.client)
    return attended


def _first_objectives(client_ids):
    plans = TreatmentPlan.objects.filter(client__in=client_ids).signed().prefetch_related("objectives")
    return {plan.client_id: next((o.text for o in plan.objectives.all()), "") for plan in plans}


def _activities(session, skill):
    practised = list(skill.activities) if skill and skill.activities else ["Reviewed the skills learned so far"]
    day = session.local_date.weekday()
    middle = practised[day % len(practised)]
    extra = practised[(day + 1) % len(practised)] if len(practised) > 1 else ""
    parts = [pick(OPENERS, session.pk), f"Skill practice: {middle}.", f"Then: {extra}." if extra else ""]
    parts.append(pick(CLOSERS, session.cohort_id, session.local_date))
    return " ".join(p for p in parts if p)


def _entry(session, client, skill, objective, lead, written, signed):
    keys = (client.chart_number, session.local_date)
    risk_week = week_start(timezone.localdate() - datetime.timedelta(weeks=RISK_WEEKS_AGO))
    risk_here = (
        client.chart_number == RISK_CHART
        and week_start(session.local_date) == risk_week
        and session.local_date.weekday() == 1  # the Tuesday of that week
    )
    return IndividualEntry(
        session=session,
        client=client,
        author=lead,
        created_at=written,
        signed_at=signed,
        signed_by=lead,
        participation=pick(PARTICIPATION, *keys),
        mood_affect=pick(MOODS, *keys, "mood"),
        progress=pick(PROGRESS, *keys, "progress").format(
            name=client.first_name, skill=skill.lower(), objective=objective or "their treatment goals."
        ),
        risk=IndividualEntry.Risk.OBSERVED if risk_here else IndividualEntry.Risk.NONE,
        risk_details=RISK_DETAILS if risk_here else "",
        plan=pick(PLANS, *keys, "plan").format(skill=skill.lower()),
    )
