"""Telling families at once when an evening is cancelled, moved or added. One
message per family member per change, with minimal text and no names; links whose
portal is suspended ("do not contact") get nothing."""

from collections import defaultdict

from django.utils import translation
from django.utils.translation import gettext as _

from iop.models import Program, User
from iop.outbox import queue_message

from .enrollment import rosters


def day_label(day):
    return f"{day:%a} {day.day} {day:%b}"


def families_by_session(sessions):
    """{family member: [sessions their own child was expected at]} for the given sessions."""
    expected = rosters(sessions)
    client_ids = {e.client_id for enrollments in expected.values() for e in enrollments}
    members = User.objects.filter(
        family_links__client__in=client_ids, family_links__portal_suspended=False, is_active=True
    ).values_list("pk", "family_links__client")
    clients_of = defaultdict(set)
    for member_id, client_id in members:
        clients_of[member_id].add(client_id)
    people = User.objects.in_bulk(clients_of.keys())
    result = {}
    for member_id, client_ids_of_member in clients_of.items():
        theirs = [s for s in sessions if any(e.client_id in client_ids_of_member for e in expected[s.pk])]
        if theirs:
            result[people[member_id]] = theirs
    return result


def tell_families_of_closure(closure, sessions):
    phone = Program.current().phone
    for member, theirs in families_by_session(sessions).items():
        with translation.override(member.language):
            days = ", ".join(day_label(s.local_date) for s in sorted(theirs, key=lambda s: s.starts_at))
            reason = closure.get_reason_display().lower()
            body = _("No group on %(days)s (%(reason)s).") % {"days": days, "reason": reason}
            queue_message(
                key=f"closure:{closure.pk}:{member.pk}",
                kind="closure",
                recipient=member,
                subject=body,
                body=_with_phone(body, phone),
            )


def tell_families_of_move(original, moved):
    phone = Program.current().phone
    for member in families_by_session([moved]):
        with translation.override(member.language):
            body = _("Group on %(old)s moves to %(new)s at %(time)s.") % {
                "old": day_label(original.local_date),
                "new": day_label(moved.local_date),
                "time": f"{moved.local_start:%H:%M}",
            }
            queue_message(
                key=f"reschedule:{moved.pk}:{member.pk}",
                kind="reschedule",
                recipient=member,
                subject=body,
                body=_with_phone(body, phone),
            )


def tell_families_of_make_up(session):
    phone = Program.current().phone
    for member in families_by_session([session]):
        with translation.override(member.language):
            body = _("Extra group on %(day)s at %(time)s.") % {
                "day": day_label(session.local_date),
                "time": f"{session.local_start:%H:%M}",
            }
            queue_message(
                key=f"make-up:{session.pk}:{member.pk}",
                kind="make_up",
                recipient=member,
                subject=body,
                body=_with_phone(body, phone),
            )


def _with_phone(body, phone):
    return f"{body} " + (_("Questions: %(phone)s") % {"phone": phone}) if phone else body
