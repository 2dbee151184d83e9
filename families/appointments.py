"""Family sessions and family check-ins: booking, changing and cancelling them,
and telling the invited family members at once. A message carries the day, the
time and the clinic, nothing about why; people marked "do not contact", or
whose link is suspended, or who asked for no reminders, get nothing."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from iop import audit, reminders
from iop.models import Program, Role, User
from iop.prepared import Param, Prepared

from .models import FamilyAppointment, FamilyLink

BOOKED = "booked"
CANCELLED = "cancelled"
DAY_BEFORE = "day_before"


def clinicians_for(client):
    """Clinicians who may see ``client`` through its cohort or as its lead (those
    an appointment can be booked with)."""
    cohort = Q(led_cohorts=client.cohort_id) | Q(cofacilitated_cohorts=client.cohort_id) if client.cohort_id else Q()
    lead = Q(pk=client.lead_clinician_id) if client.lead_clinician_id else Q(pk__in=[])
    return User.objects.filter(role=Role.CLINICIAN, is_active=True).filter(cohort | lead).distinct()


def reachable_links(appointment):
    """The invited links whose member may be sent something now."""
    return (
        appointment.invited.live()
        .filter(family_member__do_not_contact=False, family_member__reminders_opt_out=False)
        .select_related("family_member")
    )


@transaction.atomic
def book(appointment, invited, *, by):
    """Save a new or changed appointment with its invitees; each reachable invitee
    hears of it once per time and place (a re-save that changes neither sends nothing)."""
    created = appointment.pk is None
    if created:
        appointment.created_by = by
    appointment.save()
    appointment.invited.set(invited)
    audit.record(
        "book_family_appointment",
        appointment,
        client=appointment.client,
        actor=by,
        action=audit.Action.CREATE if created else audit.Action.UPDATE,
        starts_at=appointment.starts_at.isoformat(),
        invited=[link.pk for link in invited],
    )
    if appointment.starts_at > timezone.now():
        tell_invited(appointment, BOOKED)
    return appointment


@transaction.atomic
def cancel(appointment, *, reason, by):
    appointment.cancelled_at = timezone.now()
    appointment.cancelled_by = by
    appointment.cancel_reason = reason
    appointment.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "updated_at"])
    audit.record(
        "cancel_family_appointment", appointment, client=appointment.client, actor=by, action=audit.Action.UPDATE
    )
    if appointment.starts_at > timezone.now():
        tell_invited(appointment, CANCELLED)
    return appointment


def tell_invited(appointment, event):
    """Queue one message per reachable invitee for ``event`` (booked, cancelled or
    the day-before reminder); the key holds the time, so a moved appointment is
    announced again and a repeated call is not."""
    clinic = Program.current().clinic_name
    start = appointment.local_start
    sent = []
    for link in reachable_links(appointment):
        member = link.family_member
        with translation.override(member.language):
            if event == CANCELLED:
                body = reminders.family_session_cancelled_text(start.date(), start, clinic)
            else:
                body = reminders.family_session_text(start.date(), start, clinic)
            subject = _("Family appointment, %(clinic)s") % {"clinic": clinic}
        sent.append(
            reminders.notify(
                member,
                kind=reminders.FAMILY_SESSION,
                key=reminders.make_key(reminders.FAMILY_SESSION, appointment.pk, member.pk, event, start.isoformat()),
                body=body,
                subject=subject,
                stale_after=appointment.starts_at,
            )
        )
    return sent


def _for_family():
    client, member = Param("client"), Param("member")
    links = FamilyLink.objects.live().filter(client=client, family_member=member)
    invitations = FamilyAppointment.invited.through.objects.filter(familylink__in=links)
    return (
        FamilyAppointment.objects.upcoming(Param("now"))
        .filter(client=client, pk__in=invitations.values("familyappointment_id"))
        .select_related("clinician")
    )


_FOR_FAMILY = Prepared(_for_family)


def for_family(client, member, now=None):
    """``client``'s upcoming appointments that ``member`` is invited to."""
    return _FOR_FAMILY.run(client=client, member=member, now=now or timezone.now())
