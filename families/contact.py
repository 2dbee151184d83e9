"""Whether a family member may be contacted at all. "Do not contact" is a
clinician's call when contact at home may be unsafe: nothing is sent (delivery
checks ``User.do_not_contact`` before every send), every portal link of the
person is suspended with the reason, and their calendar link is turned off."""

from django.db import transaction

from groups.models import FamilyCalendarToken
from iop import audit

from .models import FamilyLink


@transaction.atomic
def stop_contact(member, *, reason, by, client=None):
    """Stop all contact with ``member``, set from ``client``'s care (the client whose
    team lifts it again)."""
    member.do_not_contact = True
    member.do_not_contact_reason = reason
    member.do_not_contact_for = client
    member.save(update_fields=["do_not_contact", "do_not_contact_reason", "do_not_contact_for"])
    links = list(FamilyLink.objects.select_for_update().filter(family_member=member))
    FamilyLink.objects.filter(pk__in=[link.pk for link in links]).update(portal_suspended=True, suspended_reason=reason)
    FamilyCalendarToken.revoke_all(member)
    for link in links:
        audit.record("do_not_contact", link, client=link.client, actor=by, action=audit.Action.UPDATE)


def may_lift(member, clients):
    """Whether a clinician of ``clients`` (those they write for) may lift ``member``'s
    "do not contact": it was set from one of these clients' care, or from nobody's
    in particular."""
    return member.do_not_contact_for_id is None or member.do_not_contact_for_id in {client.pk for client in clients}


@transaction.atomic
def resume_contact(member, *, reason, by):
    """Lift "do not contact": messages and the portal open again (the reason for
    lifting is recorded in place of the old one). Callers check ``may_lift`` first."""
    member.do_not_contact = False
    member.do_not_contact_reason = ""
    member.do_not_contact_for = None
    member.save(update_fields=["do_not_contact", "do_not_contact_reason", "do_not_contact_for"])
    links = list(FamilyLink.objects.select_for_update().filter(family_member=member, portal_suspended=True))
    FamilyLink.objects.filter(pk__in=[link.pk for link in links]).update(portal_suspended=False, suspended_reason="")
    for link in links:
        audit.record("resume_contact", link, client=link.client, actor=by, action=audit.Action.UPDATE, why=reason)
