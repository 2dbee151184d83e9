"""Delivering outbox messages: who may be reached and how, quiet hours, the
claim that makes a send happen once, retries with backoff, and the sweep.

What is guaranteed, and where it stops:

- A message is handed to a provider only by the worker that *claimed* it with
  one conditional UPDATE (pending -> sending, ``due_at`` reached). Two
  workers, a redelivered task, a Celery retry and the sweep may all race for
  one message: one claim wins, the others find it "sending" or "sent" and do
  nothing. Normal retries therefore never send twice for one key.
- A failed send goes back to pending with the error and a later ``due_at``
  (exponential backoff); the task retries itself with that countdown. After
  ``OUTBOX_MAX_ATTEMPTS`` the message is failed and stays on the delivery log
  with its error and a retry button. Nothing is dropped silently.
- Right after the provider accepts a message, its id (``provider_id``, the
  sent marker) is written together with ``status=sent``. If that write fails
  (a database blip), the task retries *only the marking*, carrying the
  provider id in the broker message, every ``MARKING_RETRY_SECONDS`` until
  shortly before the sweep would take the message for interrupted.
- A worker killed mid-delivery leaves the message "sending". The sweep treats
  a claim older than ``OUTBOX_SENDING_TIMEOUT_SECONDS`` (far longer than the
  task's hard time limit, so the claimant cannot still be working) as
  interrupted and sends it again; for an urgent message (a safety alert) the
  much shorter ``OUTBOX_URGENT_SENDING_TIMEOUT_SECONDS``, still longer than
  the hard limit, so an alert waits minutes for its second try, not a quarter
  of an hour. This is at-least-once on purpose: the only
  repeats possible are a kill in the instant between the provider accepting
  and the marker being written, and a database down for longer than the
  sending time-out right after a send; the alternative (marking it failed)
  would lose every message whose worker died before sending, and a lost
  safety alert costs more than a rare repeated reminder. Emails carry a
  Message-ID derived from the key, so mail programs fold such a repeat.

Who gets nothing: a recipient marked "do not contact" (a clinician's call),
and one who opted out of reminders (staff still get urgent safety alerts).
Texts go only to people whose consent to texts is recorded; without it the
message falls back to their email, or is skipped when there is none. Every
skip is recorded with its reason. Non-urgent messages due in the program's
quiet hours (clinic-local, may cross midnight) wait until the quiet hours end.
"""

import datetime
import email.utils
import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from . import outbox_queries
from .models import OutboxMessage, Program
from .sms import send_sms

log = logging.getLogger(__name__)

Status = OutboxMessage.Status
Channel = OutboxMessage.Channel

# A task may fire a moment before the due time it was scheduled for (timer
# rounding); it should not be turned away for that.
EARLY_TOLERANCE = datetime.timedelta(seconds=1)
# Marking a sent message is tried again this often while the database refuses it,
# for as long as ``marking_retries`` allows.
MARKING_RETRY_SECONDS = 30.0
# How many due messages one sweep enqueues at most (the next sweep takes the rest).
SWEEP_BATCH = 500

# How long one worker process keeps the program's settings (quiet hours, the
# clinic's name) before reading them again: an admin's change applies to
# deliveries within this many seconds, and a message costs no query for them.
PROGRAM_SETTINGS_SECONDS = 10.0

TOO_LATE = "Too late: what it is about has begun (or its day has come), so it would no longer be true"
INTERRUPTED_AGAIN = "Interrupted while sending (the worker stopped); sending again."
INTERRUPTED_FAILED = "Interrupted while sending on the last attempt (the worker stopped); it may not have gone out."


@dataclass
class Outcome:
    """What one delivery attempt did. ``retry_in`` (seconds) asks the task to
    run again; ``sent_marker`` is the provider id of a send still to be marked."""

    status: str
    retry_in: float | None = None
    sent_marker: str | None = None
    urgent: bool = False


# --- Who may be reached, and how ---------------------------------------------------


def route(message):
    """Where ``message`` may go now: ``(channel, address, None)``, or
    ``(None, None, reason)`` when it must not be sent at all."""
    person = message.recipient
    if person is not None:
        if person.do_not_contact:
            return None, None, "Do not contact (set by a clinician)"
        if person.reminders_opt_out and not (message.urgent and person.is_staff_member):
            return None, None, "Opted out of reminders"
        if not person.is_active:
            return None, None, "Account is not active"
    channel, address = message.channel, message.to_address
    if channel == Channel.SMS and not (person is not None and person.sms_consent):
        if person is None or not person.email:
            return None, None, "No consent to text messages and no email address"
        channel, address = Channel.EMAIL, person.email
    if not address:
        return None, None, "No phone number" if channel == Channel.SMS else "No email address"
    return channel, address, None


_program_cache = {}


def program_settings():
    """``Program.current()``, read at most every ``PROGRAM_SETTINGS_SECONDS`` by this process."""
    cached = _program_cache.get("program")
    if cached is None or time.monotonic() >= cached[1]:
        cached = _program_cache["program"] = (Program.current(), time.monotonic() + PROGRAM_SETTINGS_SECONDS)
    return cached[0]


@receiver(post_save, sender=Program)
def forget_program_settings(**_kwargs):
    _program_cache.clear()


def quiet_hours_end(moment, program=None):
    """When the quiet hours around ``moment`` end, or None if ``moment`` is not
    in them. Quiet hours are clinic-local times and may cross midnight."""
    program = program or program_settings()
    start, end = program.quiet_hours_start, program.quiet_hours_end
    if start == end:
        return None
    local = timezone.localtime(moment)
    now = local.time()
    if start < end:
        inside, end_day = start <= now < end, local.date()
    else:
        inside = now >= start or now < end
        end_day = local.date() + datetime.timedelta(days=1) if now >= start else local.date()
    if not inside:
        return None
    return datetime.datetime.combine(end_day, end, tzinfo=local.tzinfo)


def sending_timeout(urgent):
    """Seconds after which a claim is taken for a dead worker's (see the module docstring)."""
    return settings.OUTBOX_URGENT_SENDING_TIMEOUT_SECONDS if urgent else settings.OUTBOX_SENDING_TIMEOUT_SECONDS


def marking_retries(urgent=False):
    """How many times marking a sent message is retried: until a minute before the
    sweep would take the still-"sending" message for interrupted and send it again."""
    window = sending_timeout(urgent) - 2 * MARKING_RETRY_SECONDS
    return max(1, int(window // MARKING_RETRY_SECONDS))


def retry_delay(attempts):
    """Seconds to wait after the ``attempts``-th failed attempt: 1, 2, 4, 8... times the base."""
    return settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)


# --- One delivery ----------------------------------------------------------------------


def deliver(message_id, sent_marker=None, urgent=False):
    """Try to deliver one message. Safe to call any number of times, from any
    number of workers, at any moment: see the module docstring. ``urgent`` comes
    with a ``sent_marker`` (marking again reads nothing of the message)."""
    if sent_marker is not None:
        return _mark_sent_again(message_id, sent_marker, urgent)
    message = outbox_queries.load(message_id)
    if message is None or message.status != Status.PENDING:
        return Outcome("nothing to do")
    now = timezone.now()
    if message.due_at > now + EARLY_TOLERANCE:
        return Outcome("not due yet")
    channel, address, reason = route(message)
    if reason is None and message.stale_after is not None and now >= message.stale_after:
        reason = TOO_LATE
    if reason:
        _pending(message).update(status=Status.SKIPPED, skipped_reason=reason)
        return Outcome("skipped")
    program = program_settings()
    held_until = None if message.urgent else quiet_hours_end(now, program)
    if held_until and message.stale_after is not None and held_until >= message.stale_after:
        # Held past quiet hours it would arrive too late to be true.
        _pending(message).update(status=Status.SKIPPED, skipped_reason=TOO_LATE)
        return Outcome("skipped")
    if held_until:
        _pending(message).update(due_at=held_until, held_for_quiet_hours=True)
        return Outcome("held for quiet hours")
    # The claim: one conditional UPDATE. It also requires the attempts read
    # above, so what this worker knows of the message is what it claimed and
    # nothing needs reading again.
    if not outbox_queries.claim(message, now, now + EARLY_TOLERANCE, channel, address):
        return Outcome("claimed by another worker")
    message.status, message.claimed_at, message.attempts = Status.SENDING, now, message.attempts + 1
    message.channel, message.to_address = channel, address
    try:
        provider_id = send(message, program)
    except Exception as exc:  # noqa: BLE001 - any provider error is retried, then shown
        return _record_failure(message, exc)
    try:
        _mark_sent(message, provider_id)
    except DatabaseError:
        log.warning("Message %s was sent but could not be marked; marking again later", message.pk)
        return Outcome(
            "sent, marking later", retry_in=MARKING_RETRY_SECONDS, sent_marker=provider_id, urgent=message.urgent
        )
    return Outcome("sent")


def send(message, program):
    """Hand the message to its channel's backend; returns the provider's id."""
    if message.channel == Channel.SMS:
        return str(send_sms(message.to_address, message.body) or "")
    connection = mail_connection()
    mail = EmailMessage(
        subject=message.subject or program.clinic_name,
        body=message.body,
        to=[message.to_address],
        headers={"Message-ID": message_id_header(message)},
        connection=connection,
    )
    try:
        mail.send(fail_silently=False)
    except Exception:
        # Whatever state the connection is in, the next message starts afresh.
        forget_mail_connection()
        raise
    _mail.last_used = time.monotonic()
    status = getattr(mail, "anymail_status", None)  # provider backends report their own id
    return str(getattr(status, "message_id", None) or mail.extra_headers["Message-ID"])


# --- One mail connection per worker process ---------------------------------------------

# A connection left unused longer than this is closed and a new one opened
# before the next message: mail servers drop idle sessions after a few
# minutes, and a send on a dropped one would fail and wait for its retry.
MAIL_CONNECTION_IDLE_SECONDS = 30.0

_mail = threading.local()


def mail_connection():
    """This worker's open connection to the mail backend, opened on first use.

    Opening one per message costs an SMTP or HTTPS handshake (a new file with
    the file backend) for every reminder. A connection is never shared between
    threads or with a forked child, and is replaced after an error, after an
    idle spell, or when the mail settings change."""
    current = getattr(_mail, "connection", None)
    if current is not None and (
        _mail.pid != os.getpid()
        or _mail.backend != settings.EMAIL_BACKEND
        or time.monotonic() - _mail.last_used > MAIL_CONNECTION_IDLE_SECONDS
    ):
        forget_mail_connection()
        current = None
    if current is None:
        current = get_connection(fail_silently=False)
        current.open()
        _mail.connection, _mail.pid, _mail.backend = current, os.getpid(), settings.EMAIL_BACKEND
        _mail.last_used = time.monotonic()
    return current


def forget_mail_connection():
    connection = getattr(_mail, "connection", None)
    _mail.connection = None
    if connection is None or _mail.pid != os.getpid():
        return  # a forked child leaves its parent's connection alone
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - closing a broken connection may fail; it is dropped either way
        log.info("Closing the mail connection failed", exc_info=True)


@receiver(setting_changed)
def _mail_settings_changed(setting, **_kwargs):
    if setting.startswith("EMAIL_"):
        forget_mail_connection()


def message_id_header(message):
    """The same Message-ID for every attempt of one message, so a repeat is recognisable."""
    domain = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "iop.invalid"
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:32]
    return f"<outbox.{digest}@{domain}>"


def _pending(message):
    return OutboxMessage.objects.filter(pk=message.pk, status=Status.PENDING)


def _claimed(message):
    return OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING, claimed_at=message.claimed_at)


def _mark_sent(message, provider_id):
    if not outbox_queries.mark_sent(message, timezone.now(), provider_id[:200]):
        log.error("Message %s was sent but its claim had been taken over", message.pk)


def _mark_sent_again(message_id, provider_id, urgent):
    try:
        OutboxMessage.objects.filter(pk=message_id, status=Status.SENDING).update(
            status=Status.SENT, sent_at=timezone.now(), provider_id=provider_id[:200]
        )
    except DatabaseError:
        return Outcome("sent, marking later", retry_in=MARKING_RETRY_SECONDS, sent_marker=provider_id, urgent=urgent)
    return Outcome("sent")


def _record_failure(message, exc):
    error = f"{type(exc).__name__}: {exc}"[:2000]
    log.warning("Delivery of message %s failed (attempt %s): %s", message.pk, message.attempts, error)
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _claimed(message).update(status=Status.FAILED, last_error=error)
        return Outcome("failed")
    delay = retry_delay(message.attempts)
    due_at = timezone.now() + datetime.timedelta(seconds=delay)
    _claimed(message).update(status=Status.PENDING, last_error=error, due_at=due_at, claimed_at=None)
    return Outcome("will retry", retry_in=delay)


# --- The sweep ---------------------------------------------------------------------------


def sweep(now=None):
    """Recover interrupted deliveries and return ``(id, urgent)`` of the pending
    messages that are due, urgent ones first, for the beat task to enqueue.
    Messages created in the last ``OUTBOX_SWEEP_GRACE_SECONDS`` are left to the
    enqueue on commit."""
    now = now or timezone.now()
    recover_interrupted(now)
    recent = now - datetime.timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    due = OutboxMessage.objects.filter(status=Status.PENDING, due_at__lte=now, created_at__lte=recent)
    return list(due.order_by("-urgent", "due_at").values_list("pk", "urgent")[:SWEEP_BATCH])


def recover_interrupted(now):
    """Claims older than the sending time-out belong to workers that died."""

    def stale(urgent):
        return Q(urgent=urgent, claimed_at__lt=now - datetime.timedelta(seconds=sending_timeout(urgent)))

    stuck = OutboxMessage.objects.filter(stale(True) | stale(False), status=Status.SENDING)
    failed = stuck.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS).update(
        status=Status.FAILED, last_error=INTERRUPTED_FAILED
    )
    again = stuck.update(status=Status.PENDING, due_at=now, claimed_at=None, last_error=INTERRUPTED_AGAIN)
    if failed or again:
        log.warning("Recovered %s interrupted deliveries (%s failed)", failed + again, failed)
    return failed + again
