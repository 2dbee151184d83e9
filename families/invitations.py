"""Inviting a family member: the account, the link to a client, and an email
with a link to set a password. The link is signed with Django's password-reset
token machinery, tied to the newest invitation, and works once, for
``INVITATION_LIFETIME``."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from groups import notices
from groups.models import Closure, Session
from iop import audit, reminders
from iop.models import AuditEntry, Client, OutboxMessage, Program, Role, User
from iop.outbox import queue_message

from .models import INVITATION_LIFETIME, FamilyInvitation, FamilyLink, SkillSummary

INVITATION_KIND = "family_invitation"


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Password-reset tokens with their own salt and lifetime. The hash covers the
    password (so a used link stops working) and the newest invitation (so
    inviting again retires the older link)."""

    key_salt = "families.invitations.InvitationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        newest = FamilyInvitation.objects.filter(family_member=user).values_list("pk", flat=True).first()
        return f"{super()._make_hash_value(user, timestamp)}:{newest}"

    def check_token(self, user, token):
        if not (user and token) or token.count("-") != 1:
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - issued > INVITATION_LIFETIME.total_seconds():
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, issued, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_tokens = InvitationTokenGenerator()


def invitation_path(member):
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    return reverse("families:welcome", args=[uid, invitation_tokens.make_token(member)])


@transaction.atomic
def invite(*, email, first_name, last_name, language, client, relationship, legal_authority, by, base_url):
    """Create (or find) the family member, link them to ``client`` and send the
    invitation, unless they have already joined (they simply see the client on
    their page next time). Returns the member. Raises ValueError for a staff address."""
    member = User.objects.filter(email__iexact=email).first()
    if member is None:
        member = User(email=email.lower(), first_name=first_name, last_name=last_name, role=Role.FAMILY)
        member.language = language
        member.set_unusable_password()
        member.save()
    elif not member.is_family:
        raise ValueError("not a family member")
    link, _created = FamilyLink.objects.get_or_create(
        family_member=member,
        client=client,
        defaults={"relationship": relationship, "legal_authority": legal_authority},
    )
    audit.record(
        "link_family",
        link,
        client=client,
        actor=by,
        action=audit.Action.CREATE,
        relationship=relationship,
        legal_authority=legal_authority,
    )
    if not has_joined(member):
        send_invitation(member, by=by, base_url=base_url)
    return member


class LinkInRecord(Exception):
    """The link is part of the record (family group attended, an appointment made)."""


@transaction.atomic
def unlink(link, *, by):
    """Take back a link made by mistake (the wrong child, the wrong person): from now
    on the family member does not see the client. A link the record relies on (family
    group attended, an appointment invited to) is not removed: stopping contact closes the
    family page there, and the record stays true. Recorded with who and why."""
    if link.family_group_attendance.filter(attended=True).exists() or link.appointments.exists():
        raise LinkInRecord
    audit.record(
        "unlink_family",
        link,
        client=link.client,
        actor=by,
        action=audit.Action.DELETE,
        family_member=link.family_member.email,
        relationship=link.relationship,
    )
    link.family_group_attendance.all().delete()  # marked absent: someone who never belonged there
    link.delete()
    _withdraw_after_unlink(link.family_member, link.client.cohort_id)


UNLINKED = "Family link removed"
#: Messages about one evening, keyed "<kind>:<evening>:<person>..." (a weekly summary's
#: the same way, with the summary).
_ABOUT_AN_EVENING = (reminders.GROUP_TONIGHT, reminders.FAMILY_GROUP_TOMORROW, "make-up")


def _withdraw_after_unlink(member, removed_cohort):
    """Messages to ``member`` not sent yet that the removed link brought: all of them
    when no child is linked any more (the wrong person), else (the wrong child) those
    about evenings and weekly summaries of groups none of their children is in, and
    closures and moves that named the removed child's group (``removed_cohort``). A
    closure that also cancels their own child's evenings is told again, about those
    alone. A conditional update: a delivery that claimed a message first sends it."""
    pending = OutboxMessage.objects.filter(recipient=member, status=OutboxMessage.Status.PENDING)
    theirs = set(Client.objects.filter(family_links__family_member=member).values_list("cohort_id", flat=True))
    if not theirs:
        return pending.update(status=OutboxMessage.Status.SKIPPED, skipped_reason=UNLINKED)
    about = {kind: {} for kind in (*_ABOUT_AN_EVENING, reminders.SKILL_SUMMARY, reminders.CLOSURE, _MOVED)}
    for pk, key in pending.values_list("pk", "idempotency_key"):
        kind, ref = (key.split(":") + [""])[:2]
        if ref.isdigit() and kind in about:
            about[kind][pk] = int(ref)  # message -> the evening, summary, closure or move it is about
    evening_of = {pk: ref for kind in _ABOUT_AN_EVENING for pk, ref in about[kind].items()}
    cohort_of_evening = dict(Session.objects.filter(pk__in=evening_of.values()).values_list("pk", "cohort_id"))
    summaries = SkillSummary.objects.filter(pk__in=about[reminders.SKILL_SUMMARY].values())
    cohort_of_summary = dict(summaries.values_list("pk", "cohort_week__cohort_id"))
    single = [(pk, cohort_of_evening.get(ref)) for pk, ref in evening_of.items()]
    single += [(pk, cohort_of_summary.get(ref)) for pk, ref in about[reminders.SKILL_SUMMARY].items()]
    withdrawn = [pk for pk, cohort in single if cohort is not None and cohort not in theirs]
    closures = []
    if removed_cohort is not None and removed_cohort not in theirs:
        named_moves, closures = _naming_the_group(about, removed_cohort)
        withdrawn += named_moves + [pk for pk, ref in about[reminders.CLOSURE].items() if ref in closures]
    count = pending.filter(pk__in=withdrawn).update(status=OutboxMessage.Status.SKIPPED, skipped_reason=UNLINKED)
    now = timezone.now()
    for closure in Closure.objects.filter(pk__in=closures):
        sessions = list(closure.sessions.filter(starts_at__gt=now, cohort_id__in=theirs).select_related("cohort"))
        notices.tell_families_of_closure(closure, sessions, batch=f":unlinked:{removed_cohort}", only=member)
    return count


def _naming_the_group(about, cohort):
    """Of the pending messages in ``about`` (kind -> {message: what it is about}), the
    moves of an evening of ``cohort``, and the closures that cancel one of its evenings.
    A move is recorded with the evening moved to; a closure may cancel several groups."""
    moves = AuditEntry.objects.filter(pk__in=about[_MOVED].values(), event=_MOVED)
    moved_evening = {pk: int(evening) for pk, evening in moves.values_list("pk", "object_pk")}
    moved_cohort = dict(Session.objects.filter(pk__in=moved_evening.values()).values_list("pk", "cohort_id"))
    named_moves = [pk for pk, ref in about[_MOVED].items() if moved_cohort.get(moved_evening.get(ref)) == cohort]
    closing = Session.objects.filter(closure__in=about[reminders.CLOSURE].values(), cohort_id=cohort)
    return named_moves, set(closing.values_list("closure_id", flat=True))


#: A move's messages are keyed by its audit entry ("reschedule:<entry>:<person>").
_MOVED = "reschedule"


def has_joined(member):
    """Whether ``member`` has accepted an invitation (set their password)."""
    return FamilyInvitation.objects.filter(family_member=member, accepted_at__isnull=False).exists()


@transaction.atomic
def send_invitation(member, *, by, base_url):
    """A fresh invitation (any earlier link stops working), queued as an email."""
    invitation = FamilyInvitation.objects.create(family_member=member, invited_by=by)
    url = base_url.rstrip("/") + invitation_path(member)
    clinic = Program.current().clinic_name
    with translation.override(member.language):
        subject = _("Your family account at %(clinic)s") % {"clinic": clinic}
        body = _(
            "You have been invited to the family page of %(clinic)s. Set your password here "
            "(the link works once, for %(days)s days): %(link)s"
        ) % {"clinic": clinic, "days": INVITATION_LIFETIME.days, "link": url}
    queue_message(
        key=f"{INVITATION_KIND}:{invitation.pk}",
        kind=INVITATION_KIND,
        recipient=member,
        subject=subject,
        body=body,
        channel=OutboxMessage.Channel.EMAIL,
    )
    audit.record("invite_family", member, actor=by, invitation=invitation.pk)
    return invitation


def accept(member):
    """The member set their password through the newest invitation's link."""
    invitation = FamilyInvitation.objects.filter(family_member=member).first()
    if invitation is not None and invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    audit.record("accept_invitation", member, actor=member)
