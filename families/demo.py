"""Demo families: their links to clients and contact preferences, published
skill summaries for the past six weeks and this week (drafted from the
curriculum, lightly edited by each cohort's lead), one personal note, and
family-group attendance, and two upcoming family appointments (Rosa Alvarez's
family session for Maya, Grace Chen's phone check-in for Lily). Rosa Alvarez
(parent@demo.clinic) has Maya in Teens and Mateo in Tweens."""

import datetime
import hashlib

from django.utils import timezone

from groups.models import Cohort, CohortWeek, Session
from groups.recurrence import week_start
from iop.demo import COHORT_LEADS, FAMILIES, upsert_user
from iop.models import Client, Role, User

from . import appointments, summaries
from .models import FamilyAppointment, FamilyGroupAttendance, FamilyInvitation, FamilyLink, PersonalNote, SkillSummary

WEEKS_OF_SUMMARIES = 6
# (client, kind, days from today, local time, mode, clinician, family member invited)
FAMILY_APPOINTMENTS = [
    ("T-1001", "family_session", 2, datetime.time(16, 0), "in_person", "clinician@demo.clinic", "parent@demo.clinic"),
    ("W-2001", "family_checkin", 4, datetime.time(16, 30), "phone", "tweens.lead@demo.clinic", "parent2@demo.clinic"),
]
# The address the demo's "summary is ready" messages link to (the app as `make run` serves it).
DEMO_BASE_URL = "http://127.0.0.1:8000"
# (who, phone) of families who agreed to texts.
# Numbers from the 555-0100..0199 block, which the North American numbering plan keeps
# for fiction in every area code: valid to the phone checks, never anyone's line.
TEXTING_FAMILIES = {"parent@demo.clinic": "+16175550141", "bella.dad@demo.clinic": "+16175550142"}
# A small edit each lead makes to the curriculum's draft, so it reads for their group.
COHORT_EDITS = {
    "teens": "Teens often like to try it on their own first; ask about it once, then let them lead.",
    "tweens": "For tweens, a note on the fridge or a sticker for each practice helps it stick.",
}
PERSONAL_NOTE = (
    "Maya helped a newer member with this week's skill in group and explained it well. "
    "Ask her to show you the breathing she used."
)


def seed(today, log):
    members = _families(today)
    monday = week_start(today)
    published = _summaries(monday)
    _personal_note(monday)
    marks = _family_group(monday)
    booked = _family_appointments(today)
    log(
        f"{len(members)} families, {published} published skill summaries, 1 personal note, "
        f"{marks} family-group marks, {booked} upcoming family appointments"
    )


def _families(today):
    admin = User.objects.get(email="admin@demo.clinic")
    members = []
    for email, first, last, language, links in FAMILIES:
        member = upsert_user(email, first_name=first, last_name=last, role=Role.FAMILY, language=language)
        if email in TEXTING_FAMILIES and not member.sms_consent:
            member.phone = TEXTING_FAMILIES[email]
            member.give_sms_consent(timezone.now() - datetime.timedelta(weeks=5))
            member.save(update_fields=["phone", "sms_consent", "sms_consent_at"])
        for chart, relationship, authority in links:
            FamilyLink.objects.update_or_create(
                family_member=member,
                client=Client.objects.get(chart_number=chart),
                defaults={"relationship": relationship, "legal_authority": authority},
            )
        sent = timezone.now() - datetime.timedelta(weeks=6)
        FamilyInvitation.objects.get_or_create(
            family_member=member, defaults={"invited_by": admin, "sent_at": sent, "accepted_at": sent}
        )
        members.append(member)
    return members


def _summaries(this_monday):
    count = 0
    for slug, lead_email in COHORT_LEADS.items():
        lead = User.objects.get(email=lead_email)
        cohort = Cohort.objects.get(slug=slug)
        for weeks_ago in range(WEEKS_OF_SUMMARIES, -1, -1):
            monday = this_monday - datetime.timedelta(weeks=weeks_ago)
            week = CohortWeek.objects.filter(cohort=cohort, week_of=monday).select_related("skill").first()
            if week is None:
                continue
            summary = SkillSummary.objects.filter(cohort_week=week).first()
            if summary is None:
                fields = summaries.draft_fields(week)
                fields["practice_at_home"] += "\n" + COHORT_EDITS[slug]
                summary = SkillSummary.objects.create(cohort_week=week, edited_by=lead, **fields)
            if not summary.is_published:
                if weeks_ago == 0:
                    summaries.publish(summary, by=lead, base_url=DEMO_BASE_URL)  # families are told
                else:
                    _published_back_then(summary, lead, monday)
            count += 1
    return count


def _published_back_then(summary, lead, monday):
    """Past weeks were published (and families told) on their Monday afternoon."""
    when = timezone.make_aware(datetime.datetime.combine(monday, datetime.time(15, 0)))
    summary.status = SkillSummary.Status.PUBLISHED
    summary.published_by, summary.published_at = lead, when
    summary.save()


def _personal_note(this_monday):
    maya = Client.objects.get(chart_number="T-1001")
    summary = SkillSummary.objects.get(cohort_week__cohort__slug="teens", cohort_week__week_of=this_monday)
    lead = User.objects.get(email=COHORT_LEADS["teens"])
    note, _ = PersonalNote.objects.get_or_create(
        summary=summary, client=maya, defaults={"text": PERSONAL_NOTE, "written_by": lead}
    )
    if not note.is_released:
        summaries.release_note(note, by=lead)


def _family_group(this_monday):
    """Past family-group evenings: most families came most weeks (fixed per family and week)."""
    evenings = Session.objects.scheduled().filter(
        family_group_starts_at__isnull=False,
        family_group_ends_at__lt=timezone.now(),
        starts_at__gte=timezone.make_aware(
            datetime.datetime.combine(this_monday - datetime.timedelta(weeks=WEEKS_OF_SUMMARIES), datetime.time())
        ),
    )
    marks = 0
    for session in evenings.select_related("cohort"):
        lead = session.cohort.lead_clinician
        links = (
            FamilyLink.objects.live()
            .filter(
                client__enrollments__cohort=session.cohort,
                client__enrollments__started_on__lte=session.local_date,
            )
            .exclude(client__enrollments__ended_on__lt=session.local_date)
        )
        for link in links.distinct():
            roll = int(hashlib.sha256(f"{link.pk}:{session.local_date}".encode()).hexdigest(), 16) % 100
            FamilyGroupAttendance.objects.update_or_create(
                session=session, link=link, defaults={"attended": roll < 75, "recorded_by": lead}
            )
            marks += 1
    return marks


def _family_appointments(today):
    """Book each demo appointment unless one of its kind is already coming up for
    the client (so a reload, on any day, adds nothing while it is upcoming)."""
    for chart, kind, days, at, mode, clinician, member in FAMILY_APPOINTMENTS:
        client = Client.objects.get(chart_number=chart)
        if FamilyAppointment.objects.upcoming().filter(client=client, kind=kind).exists():
            continue
        day = today + datetime.timedelta(days=days)
        lead = User.objects.get(email=clinician)
        appointment = FamilyAppointment(
            client=client,
            kind=kind,
            starts_at=timezone.make_aware(datetime.datetime.combine(day, at)),
            duration_minutes=50 if kind == "family_session" else 20,
            mode=mode,
            clinician=lead,
        )
        appointments.book(appointment, [FamilyLink.objects.get(client=client, family_member__email=member)], by=lead)
    return FamilyAppointment.objects.upcoming().count()
