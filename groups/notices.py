"""Telling families at once when an evening is cancelled, moved or added. One
message per family member per change, with minimal text and no names; links whose
portal is suspended ("do not contact") get nothing."""

from collections import defaultdict

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from iop import reminders
from iop.models import OutboxMessage, Program, User
from iop.reminders import notify

from .enrollment import rosters
from .models import Cohort

#: The reminders written about one evening, each keyed "<kind>:<evening>:<person>"
#: (families/reminders.py).
EVENING_REMINDERS = (reminders.GROUP_TONIGHT, reminders.FAMILY_GROUP_TOMORROW)
WITHDRAWN = "Withdrawn: the evening was cancelled, moved or taken off the schedule before this went out"


def withdraw_evening_reminders(session_ids):
    """Reminders of these evenings that have not gone out yet (a send being retried,
    the broker down) are skipped, so no family hears "group tonight" after "no group
    tonight". Pending reminders are few: they are read by kind and matched on the
    evening in their key here, rather than with a LIKE per evening. One conditional
    UPDATE: a delivery that claimed a message first sends it."""
    wanted = {str(pk) for pk in session_ids}
    if not wanted:
        return 0
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, kind__in=EVENING_REMINDERS)
    ids = [pk for pk, key in pending.values_list("pk", "idempotency_key") if _evening_of(key) in wanted]
    return OutboxMessage.objects.filter(pk__in=ids, status=OutboxMessage.Status.PENDING).update(
        status=OutboxMessage.Status.SKIPPED, skipped_reason=WITHDRAWN
    )


def _evening_of(key):
    """The evening named by an evening reminder's key, "<kind>:<evening>:<person>:..."."""
    parts = key.split(":")
    return parts[1] if len(parts) > 1 else None


def day_label(day):
    """'Tue 8 Dec' in English, 'mar 8 dic' in Spanish: the active language names the
    day, and its translation of the format keeps Spanish months lower-case."""
    return date_format(day, _("D j M"))


def families_by_session(sessions):
    """{family member: [sessions their own child was expected at]} for the given sessions.
    Each member gets ``child_cohorts``: the cohorts of all their linked children, so a
    parent with children in two groups can be told which group a change is about."""
    expected = rosters(sessions)
    client_ids = {e.client_id for enrollments in expected.values() for e in enrollments}
    linked = (
        User.objects.filter(family_links__client__in=client_ids, family_links__portal_suspended=False, is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )
    members = User.objects.filter(pk__in=linked).values_list(
        "pk", "family_links__client", "family_links__client__cohort", "family_links__portal_suspended"
    )
    clients_of, cohorts_of = defaultdict(set), defaultdict(set)
    for member_id, client_id, cohort_id, suspended in members:
        if suspended:
            continue
        clients_of[member_id].add(client_id)
        if cohort_id is not None:
            cohorts_of[member_id].add(cohort_id)
    people = User.objects.in_bulk(clients_of.keys())
    result = {}
    for member_id, client_ids_of_member in clients_of.items():
        theirs = [s for s in sessions if any(e.client_id in client_ids_of_member for e in expected[s.pk])]
        if theirs:
            person = people[member_id]
            person.child_cohorts = cohorts_of[member_id] | {s.cohort_id for s in theirs}
            result[person] = theirs
    return result


def _days(theirs, member, names):
    """'Tue 8 Dec, Wed 9 Dec': each day once; with the group's name when the member has
    children in more than one group ('Tue 8 Dec for Tweens 11-13')."""
    by_day = {}
    for session in sorted(theirs, key=lambda s: s.starts_at):
        by_day.setdefault(session.local_date, set()).add(names[session.cohort_id])
    several = len(member.child_cohorts) > 1
    parts = []
    for day, groups in by_day.items():
        label = day_label(day)
        if several:
            label = _("%(day)s for %(groups)s") % {"day": label, "groups": _(" and ").join(sorted(groups))}
        parts.append(label)
    return ", ".join(parts)


def _cohort_names(sessions):
    return dict(Cohort.objects.filter(pk__in={s.cohort_id for s in sessions}).values_list("pk", "name"))


def tell_families_of_closure(closure, sessions, batch="", only=None):
    """Each family member once per closure, naming their child's evenings it cancels;
    ``batch`` names a later set of its evenings (made by the schedule after the
    closure was saved), told in a message of its own; ``only``: that family member
    alone (told again after a link to another child was removed)."""
    families = families_by_session(sessions)
    if only is not None:
        families = {member: theirs for member, theirs in families.items() if member.pk == only.pk}
    if not families:
        return  # the schedule made ahead of any enrollment: nobody to tell, nothing more read
    phone = Program.current().phone
    names = _cohort_names(sessions)
    for member, theirs in families.items():
        with translation.override(member.language):
            reason = closure.get_reason_display().lower()
            body = _("No group on %(days)s (%(reason)s).") % {"days": _days(theirs, member, names), "reason": reason}
            notify(
                member,
                key=f"closure:{closure.pk}:{member.pk}{batch}",
                kind="closure",
                subject=body,
                body=_with_phone(body, phone),
            )


def tell_families_of_move(original, moved, move_id):
    """Everyone expected on either day: the families of the old evening's roster learn it
    is off, those of the new one when it is. ``move_id`` names this move (its audit
    entry): an evening moved back and forth reuses its rows, and each move is news."""
    phone = Program.current().phone
    names = _cohort_names([moved])
    for member in families_by_session([original, moved]):
        with translation.override(member.language):
            body = _("Group on %(old)s moves to %(new)s at %(time)s.") % {
                "old": _days([original], member, names),
                "new": day_label(moved.local_date),
                "time": f"{moved.local_start:%H:%M}",
            }
            notify(
                member,
                key=f"reschedule:{move_id}:{member.pk}",
                kind="reschedule",
                subject=body,
                body=_with_phone(body, phone),
            )


def tell_families_of_make_up(session):
    phone = Program.current().phone
    names = _cohort_names([session])
    for member in families_by_session([session]):
        with translation.override(member.language):
            body = _("Extra group on %(day)s at %(time)s.") % {
                "day": _days([session], member, names),
                "time": f"{session.local_start:%H:%M}",
            }
            notify(
                member,
                key=f"make-up:{session.pk}:{member.pk}",
                kind="make_up",
                subject=body,
                body=_with_phone(body, phone),
            )


def _with_phone(body, phone):
    return f"{body} " + (_("Questions: %(phone)s") % {"phone": phone}) if phone else body
