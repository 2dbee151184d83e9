"""The periodic reminders families get: tonight's group (the afternoon of the
day), the family group and family appointments (the day before). Beat runs
them once a day (families/tasks.py); each message's key names the evening or
appointment and the person, so running a producer again sends nothing more.

Only family members who may be contacted are written to: a live link ("do not
contact" suspends it), an active account, no opt-out. Texts carry a time and
the clinic (iop/reminders.py), never a client's name."""

import datetime

from django.utils import timezone, translation

from groups.models import Session, local_midnight
from groups.notices import families_by_session
from iop import reminders
from iop.models import Program

from . import appointments
from .models import FamilyAppointment


def may_be_reminded(person):
    return person.is_active and not person.do_not_contact and not person.reminders_opt_out


def _tell_families(sessions, kind, text, stale_after):
    """One message per family member and evening of their child, ``text(session,
    clinic)`` written in the member's language, not sent from ``stale_after(session)`` on."""
    clinic = Program.current().clinic_name
    sent = []
    for member, theirs in families_by_session(sessions).items():
        if not may_be_reminded(member):
            continue
        for session in theirs:
            with translation.override(member.language):
                body = text(session, clinic)
            begins = stale_after(session)
            # The key names the time the text gives: an evening given a new time
            # (the pattern changed) is told again, with the new one.
            key = reminders.make_key(kind, session.pk, member.pk, f"{timezone.localtime(begins):%H%M}")
            sent.append(reminders.notify(member, kind=kind, key=key, body=body, stale_after=begins))
    return sent


def group_tonight(now=None):
    """Tonight's group, to the families of the clients expected at each evening
    of today that is still to start (cancelled evenings are skipped)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sessions = Session.objects.scheduled().between_days(today, today).filter(starts_at__gt=now)
    return _tell_families(
        list(sessions.select_related("cohort")),
        reminders.GROUP_TONIGHT,
        lambda s, clinic: reminders.group_tonight_text(s.cohort.name, s.local_start, s.local_end, clinic),
        lambda s: s.starts_at,  # "tonight" is untrue once the group has begun
    )


def family_group_tomorrow(now=None):
    """Tomorrow's family group, to the families of the clients expected that evening."""
    tomorrow = timezone.localdate(now or timezone.now()) + datetime.timedelta(days=1)
    sessions = Session.objects.scheduled().between_days(tomorrow, tomorrow).filter(family_group_starts_at__isnull=False)
    return _tell_families(
        list(sessions),
        reminders.FAMILY_GROUP_TOMORROW,
        lambda s, clinic: reminders.family_group_tomorrow_text(
            tomorrow, timezone.localtime(s.family_group_starts_at), timezone.localtime(s.family_group_ends_at), clinic
        ),
        lambda s: s.family_group_starts_at,
    )


def family_appointments_tomorrow(now=None):
    """Tomorrow's family sessions and check-ins, to the family members invited."""
    tomorrow = timezone.localdate(now or timezone.now()) + datetime.timedelta(days=1)
    booked = FamilyAppointment.objects.booked().filter(
        starts_at__gte=local_midnight(tomorrow), starts_at__lt=local_midnight(tomorrow + datetime.timedelta(days=1))
    )
    sent = []
    for appointment in booked:
        sent += appointments.tell_invited(appointment, appointments.DAY_BEFORE)
    return sent
