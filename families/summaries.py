"""Weekly skill summaries: the draft from a cohort-week's curriculum module,
publishing (which tells each family at once), and personal notes released to
one client's family."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from groups.models import Enrollment
from groups.recurrence import week_start
from iop import audit, reminders
from iop.models import Program

from .models import FamilyLink, SkillSummary


def draft_fields(cohort_week):
    """The summary's text as the curriculum module has it, for a clinician to edit."""
    skill = cohort_week.skill
    return {
        "skill_title": skill.title,
        "what_it_is_for": skill.teaches,
        "practice_at_home": skill.home_practice,
        "how_to_help": "\n".join(skill.family_tips),
        "conversation_starters": "\n".join(skill.conversation_starters),
    }


def draft_for(cohort_week):
    """The saved summary of ``cohort_week``, or a new unsaved draft from its module."""
    existing = SkillSummary.objects.filter(cohort_week=cohort_week).first()
    return existing or SkillSummary(cohort_week=cohort_week, **draft_fields(cohort_week))


def recipients(summary):
    """{family member: one of their children in the cohort that week}: live links
    of clients enrolled in the summary's cohort during its week, members who may
    be contacted."""
    week = summary.cohort_week
    sunday = week.week_of + datetime.timedelta(days=6)
    # Enrolled on any day of the week, not only its Monday (admission is rolling).
    clients = (
        Enrollment.objects.filter(cohort=week.cohort, started_on__lte=sunday)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=week.week_of))
        .values("client")
    )
    links = (
        FamilyLink.objects.live()
        .filter(client__in=clients, family_member__do_not_contact=False)
        .select_related("family_member", "client")
        .order_by("family_member_id", "client_id")
    )
    result = {}
    for link in links:
        result.setdefault(link.family_member, link.client)
    return result


def summary_ready_text(link, week_of=None, today=None):
    """The message's text; a summary published for another week than this one
    (ahead of it, or late) names its week."""
    this_monday = week_start(today or timezone.localdate())
    if week_of is None or week_of == this_monday:
        return _("This week's skill summary is ready: %(link)s") % {"link": link}
    return _("The skill summary for the week of %(day)s is ready: %(link)s") % {
        "day": date_format(week_of, _("j F Y")),
        "link": link,
    }


def summary_ready_subject(clinic, week_of=None, today=None):
    this_monday = week_start(today or timezone.localdate())
    if week_of is None or week_of == this_monday:
        return _("This week's skill summary from %(clinic)s") % {"clinic": clinic}
    if week_of > this_monday:
        return _("A coming week's skill summary from %(clinic)s") % {"clinic": clinic}
    return _("A weekly skill summary from %(clinic)s") % {"clinic": clinic}


@transaction.atomic
def publish(summary, *, by, base_url):
    """Publish ``summary`` and, in the same transaction, queue one message to
    each family member who should hear of it (once, whatever happens later)."""
    summary.status = SkillSummary.Status.PUBLISHED
    summary.published_by = by
    summary.published_at = timezone.now()
    summary.edited_by = by
    summary.save()
    audit.record("publish_summary", summary, actor=by)
    clinic = Program.current().clinic_name
    for member, client in recipients(summary).items():
        url = base_url.rstrip("/") + reverse("families:summary", args=[client.pk, summary.pk])
        with translation.override(member.language):
            week_of = summary.cohort_week.week_of
            body = summary_ready_text(url, week_of)
            subject = summary_ready_subject(clinic, week_of)
        reminders.notify(
            member,
            kind=reminders.SKILL_SUMMARY,
            key=reminders.make_key(reminders.SKILL_SUMMARY, summary.pk, member.pk),
            body=body,
            subject=subject,
        )
    return summary


@transaction.atomic
def release_note(note, *, by):
    """Release a personal note to the family of its client (audited)."""
    note.released_by = by
    note.released_at = timezone.now()
    note.save(update_fields=["released_by", "released_at", "updated_at"])
    audit.record("release_to_family", note, client=note.client, actor=by, summary=note.summary_id)
    return note
