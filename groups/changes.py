"""One-off changes to the schedule: closures, reschedules and make-up evenings.
Each change is saved with its family notices in one transaction."""

import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from iop import audit
from iop.date_limits import check_clinic_hours

from . import notices
from .models import Closure, Session


def evening_ids(sessions):
    """The evenings a closure's preview listed, as the page sends them back with "Save"."""
    return ",".join(str(pk) for pk in sorted(session.pk for session in sessions))


def sessions_closed_by(starts_on, ends_on, cohort=None):
    """The evenings a closure over these days would cancel: scheduled and not charted,
    and, among those that have begun, only those with nothing recorded (no attendance
    and no note): a closure saved the next morning records that an evening did not
    happen, and never undoes one that did and waits to be signed."""
    held = Q(attendance__isnull=False) | Q(group_note__isnull=False) | Q(entries__isnull=False)
    happened = Session.objects.filter(held, starts_at__lte=timezone.now()).values("pk")
    sessions = (
        Session.objects.scheduled()
        .filter(charted_at__isnull=True)
        .between_days(starts_on, ends_on)
        .exclude(pk__in=happened)
    )
    if cohort is not None:
        sessions = sessions.filter(cohort=cohort)
    return sessions.select_related("cohort")


@transaction.atomic
def apply_closure(closure):
    """Save ``closure``'s effect: cancel the evenings it covers (they stay visible as
    cancelled) and tell the families expected at them."""
    sessions = list(
        sessions_closed_by(closure.starts_on, closure.ends_on, closure.cohort).select_for_update(of=("self",))
    )
    Session.objects.filter(pk__in=[s.pk for s in sessions]).update(
        status=Session.Status.CANCELLED, closure=closure, cancel_reason=closure.get_reason_display()
    )
    now = timezone.now()
    notices.withdraw_evening_reminders([s.pk for s in sessions])
    notices.tell_families_of_closure(closure, [s for s in sessions if s.starts_at > now])  # past days are not news
    audit.record("closure", closure, actor=closure.created_by, cancelled=len(sessions))
    return sessions


@transaction.atomic
def reschedule(session, starts_at, by):
    """Move one evening: the original stays as cancelled ("moved"), a new evening
    takes its place with the same length, room, facilitators and agenda. Moved back
    to where it was moved from (once or more), the evening cancelled there is brought
    back instead of a second one made."""
    session = Session.objects.select_for_update(of=("self",)).get(pk=session.pk)
    if session.is_cancelled or session.is_charted:
        raise ValidationError("Only a scheduled evening that is not yet charted can be moved.")
    if not session.may_be_moved:
        raise ValidationError(
            "This evening has begun, so it stays where it is; add a make-up evening for one that did not happen."
        )
    check_new_time(session.cohort, starts_at, session.duration_minutes)
    facilitators = list(session.facilitators.values_list("pk", flat=True))
    check_facilitators_free(facilitators, starts_at, starts_at + (session.ends_at - session.starts_at))
    others = [s for s in _same_evening(session) if s.pk != session.pk and s.closure_id is None]
    left_there = next((s for s in others if s.starts_at == starts_at and s.is_cancelled), None)
    if left_there is not None:
        moved = _bring_back(left_there, session, starts_at)
    else:
        moved = _copy(session, starts_at, Session.Kind.RESCHEDULED)
    session.status = Session.Status.CANCELLED
    session.cancel_reason = f"Moved to {moved.local_start:%a %d %b %H:%M}"
    session.moved_to = moved
    session.save(update_fields=["status", "cancel_reason", "moved_to"])
    # An evening moved more than once: every day it was ever on points to where it is now.
    earlier = [s.pk for s in others if s.pk != moved.pk]
    Session.objects.filter(pk__in=earlier).update(cancel_reason=session.cancel_reason, moved_to=moved)
    entry = audit.record("reschedule", moved, actor=by, original=session.pk)
    notices.withdraw_evening_reminders([session.pk])
    notices.tell_families_of_move(session, moved, move_id=entry.pk)
    return moved


def _same_evening(session):
    """Every row of one evening's moves, locked: the evening as first scheduled and
    each time it was moved to (a rescheduled row names the one it replaced). Only
    one of them is scheduled at a time; the others were cancelled by the moves."""
    first = session
    while first.kind == Session.Kind.RESCHEDULED and first.replaces_id:
        first = Session.objects.get(pk=first.replaces_id)
    locked = Session.objects.select_for_update(of=("self",))
    rows = {first.pk: locked.get(pk=first.pk)}
    frontier = [first.pk]
    while frontier:
        found = [s for s in locked.filter(replaces__in=frontier, kind=Session.Kind.RESCHEDULED) if s.pk not in rows]
        rows.update((s.pk, s) for s in found)
        frontier = [s.pk for s in found]
    return list(rows.values())


def _bring_back(cancelled, session, starts_at):
    """Schedule ``cancelled`` again in ``session``'s place, with its length, room,
    facilitators, agenda and family group (which may have changed since)."""
    shift = starts_at - session.starts_at
    ends_at = session.ends_at + shift
    if overlapping(session.cohort, starts_at, ends_at, exclude=session).exists():
        raise ValidationError("%(cohort)s already meets at that time.", params={"cohort": session.cohort})
    cancelled.status = Session.Status.SCHEDULED
    cancelled.cancel_reason = ""
    cancelled.moved_to = None
    cancelled.ends_at = ends_at
    cancelled.room = session.room
    cancelled.agenda = session.agenda
    has_family_group = session.has_family_group
    cancelled.family_group_starts_at = session.family_group_starts_at + shift if has_family_group else None
    cancelled.family_group_ends_at = session.family_group_ends_at + shift if has_family_group else None
    cancelled.save(
        update_fields=[
            "status",
            "cancel_reason",
            "moved_to",
            "ends_at",
            "room",
            "agenda",
            "family_group_starts_at",
            "family_group_ends_at",
        ]
    )
    cancelled.facilitators.set(session.facilitators.all())
    return cancelled


@transaction.atomic
def add_make_up(cohort, starts_at, by, *, replaces=None, minutes=None):
    """An extra evening, usually standing in for one that was cancelled."""
    if replaces is not None and not replaces.is_cancelled:
        raise ValidationError("A make-up stands in for a cancelled evening.")
    if replaces is not None and replaces.moved_to_id:
        raise ValidationError("That evening was moved, not cancelled: it still takes place.")
    if replaces is not None and not Session.objects.filter(pk=replaces.pk).not_made_up().exists():
        raise ValidationError("That evening already has a make-up.")
    minutes = minutes or cohort.duration_minutes
    check_new_time(cohort, starts_at, minutes)
    facilitators = [cohort.lead_clinician_id, *cohort.co_facilitators.values_list("pk", flat=True)]
    check_facilitators_free(facilitators, starts_at, starts_at + datetime.timedelta(minutes=minutes))
    session = _save_new(
        Session(
            cohort=cohort,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=minutes),
            kind=Session.Kind.MAKE_UP,
            room=cohort.room,
            replaces=replaces,
        )
    )
    session.facilitators.set(facilitators)
    notices.tell_families_of_make_up(session)
    audit.record("make_up", session, actor=by)
    return session


def check_new_time(cohort, starts_at, minutes):
    """A moved or extra evening goes to a time still to come, within the clinic's
    hours, on a day the clinic is open for ``cohort`` (families would be told of an
    evening that cannot happen)."""
    if starts_at <= timezone.now():
        raise ValidationError("An evening can only be moved or added to a time still to come.")
    check_clinic_hours(starts_at, minutes)
    day = timezone.localdate(starts_at)
    closed = Closure.objects.filter(starts_on__lte=day, ends_on__gte=day).filter(Q(cohort=None) | Q(cohort=cohort))
    closure = closed.first()
    if closure is not None:
        raise ValidationError("The clinic is closed that day for this group: %(closure)s.", params={"closure": closure})


def check_facilitators_free(facilitators, starts_at, ends_at):
    """A moved or extra evening is refused at a time one of its facilitators has a
    family session or check-in booked, as the family appointment is refused over an
    evening they run (families.forms): nobody is in two places. Named by the
    clinician and the hours only (the appointment is another client's)."""
    appointments = apps.get_model("families", "FamilyAppointment").objects
    busy = appointments.filter(clinician__in=facilitators).select_related("clinician").during(starts_at, ends_at)
    if busy:
        appointment = busy[0]
        raise ValidationError(
            "%(clinician)s has a family appointment then (%(hours)s): move it first, or choose another time.",
            params={
                "clinician": appointment.clinician.display_name,
                "hours": f"{appointment.local_start:%H:%M}-{appointment.local_end:%H:%M}",
            },
        )


def overlapping(cohort, starts_at, ends_at, exclude=None):
    """Scheduled evenings of ``cohort`` overlapping the given time."""
    found = Session.objects.scheduled().filter(cohort=cohort, starts_at__lt=ends_at, ends_at__gt=starts_at)
    return found.exclude(pk=exclude.pk) if exclude else found


def _copy(session, starts_at, kind):
    shift = starts_at - session.starts_at
    moved = _save_new(
        Session(
            cohort=session.cohort,
            starts_at=starts_at,
            ends_at=session.ends_at + shift,
            kind=kind,
            room=session.room,
            agenda=session.agenda,
            replaces=session,
            family_group_starts_at=session.family_group_starts_at + shift if session.has_family_group else None,
            family_group_ends_at=session.family_group_ends_at + shift if session.has_family_group else None,
        ),
        exclude=session,
    )
    moved.facilitators.set(session.facilitators.all())
    return moved


def _save_new(session, exclude=None):
    clash = overlapping(session.cohort, session.starts_at, session.ends_at, exclude=exclude)
    if clash.exists():
        raise ValidationError("%(cohort)s already meets at that time.", params={"cohort": session.cohort})
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as error:
        raise ValidationError(
            "%(cohort)s already has an evening starting then.", params={"cohort": session.cohort}
        ) from error
    return session
