"""Whether a family member may be contacted at all. "Do not contact" is a
clinician's call when contact at home may be unsafe: nothing is sent (delivery
checks ``User.do_not_contact`` before every send), every portal link of the
person is suspended with the reason, and their calendar link is turned off."""

from django.db import transaction

from groups.models import FamilyCalendarToken
from iop import audit

from .models import FamilyLink


@transaction.atomic
def stop_contact(member, *, reason, by):
    member.do_not_contact = True
    member.do_not_contact_reason = reason
    member.save(update_fields=["do_not_contact", "do_not_contact_reason"])
    links = list(FamilyLink.objects.select_for_update().filter(family_member=member))
    FamilyLink.objects.filter(pk__in=[link.pk for link in links]).update(portal_suspended=True, suspended_reason=reason)
    FamilyCalendarToken.revoke_all(member)
    for link in links:
        audit.record("do_not_contact", link, client=link.client, actor=by, action=audit.Action.UPDATE)


@transaction.atomic
def resume_contact(member, *, reason, by, clients):
    """Lift "do not contact" for the children ``clients`` (those whose care ``by``
    is in): their portal links open again, with the reason recorded. Messages to
    the person resume only when no other child's link stays suspended: another
    team may have stopped contact for a reason of its own. Returns whether contact
    is open again."""
    suspended = list(FamilyLink.objects.select_for_update().filter(family_member=member, portal_suspended=True))
    lifted = [link for link in suspended if link.client_id in {client.pk for client in clients}]
    FamilyLink.objects.filter(pk__in=[link.pk for link in lifted]).update(portal_suspended=False, suspended_reason="")
    for link in lifted:
        audit.record("resume_contact", link, client=link.client, actor=by, action=audit.Action.UPDATE, why=reason)
    if len(lifted) < len(suspended):
        return False
    member.do_not_contact = False
    member.do_not_contact_reason = ""
    member.save(update_fields=["do_not_contact", "do_not_contact_reason"])
    return True
