"""Delivery rules, exercised in one process: claiming, retries, recovery of
interrupted sends, quiet hours, consent and opt-outs. (tests/iop/test_delivery_worker.py
runs the same machinery through a real worker and Redis.)"""

import datetime
import os
import subprocess
import sys
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from iop import delivery, outbox_queries, sms
from iop.models import AuditEntry, OutboxMessage, Program
from iop.outbox import queue_message, requeue_failed
from iop.tasks import deliver_message
from tests import factories
from tests.mail_backends import CountingBackend, sent_messages

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_hours_off")]

Status = OutboxMessage.Status
CLINIC_TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local(year, month, day, hour, minute=0, second=0):
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=CLINIC_TZ)


@pytest.fixture(autouse=True)
def _texts_in_memory(settings):
    settings.SMS_BACKEND = "iop.sms.LocmemBackend"
    sms.outbox.clear()


@pytest.fixture
def flaky_mail(settings, tmp_path, monkeypatch):
    """An email backend that fails the first N sends (N written by the test)."""
    monkeypatch.setenv("IOP_TEST_MAILBOX", str(tmp_path))
    settings.EMAIL_BACKEND = "tests.mail_backends.FlakyFileBackend"
    return tmp_path


def message_for(person, **fields):
    return factories.OutboxMessageFactory(recipient=person, to_address=fields.pop("to_address", person.email), **fields)


def reload(message):
    message.refresh_from_db()
    return message


# --- claiming: one send per key ------------------------------------------------------


def test_delivering_twice_sends_once(clinic):
    message = message_for(clinic.family_a)
    assert delivery.deliver(message.pk).status == "sent"
    assert delivery.deliver(message.pk).status == "nothing to do"
    assert len(mail.outbox) == 1
    assert reload(message).status == Status.SENT
    assert message.attempts == 1
    assert message.provider_id == mail.outbox[0].extra_headers["Message-ID"]


def test_one_delivery_takes_three_queries(clinic, django_assert_num_queries):
    message = message_for(clinic.family_a)
    delivery.program_settings()  # read once per few seconds by each worker process, not per message
    with django_assert_num_queries(3):  # the message with its recipient, the claim, the sent marker
        assert deliver_message(message.pk) == "sent"
    assert (reload(message).status, message.attempts, len(mail.outbox)) == (Status.SENT, 1, 1)


def test_message_is_read_as_the_orm_reads_it(clinic):
    clinic.family_a.give_sms_consent()
    clinic.family_a.save()
    with_recipient = message_for(clinic.family_a, channel=OutboxMessage.Channel.SMS, to_address="+15550100")
    without = factories.OutboxMessageFactory(recipient=None, to_address="someone@example.test", urgent=True)
    for message in (with_recipient, without):
        loaded = outbox_queries.load(message.pk)
        expected = OutboxMessage.objects.select_related("recipient").get(pk=message.pk)
        fields = OutboxMessage._meta.concrete_fields
        assert [f.value_from_object(loaded) for f in fields] == [f.value_from_object(expected) for f in fields]
        if expected.recipient is None:
            assert loaded.recipient is None
        else:
            person_fields = type(expected.recipient)._meta.concrete_fields
            got = [f.value_from_object(loaded.recipient) for f in person_fields]
            assert got == [f.value_from_object(expected.recipient) for f in person_fields]
        assert loaded.due_at.tzinfo is not None and not loaded._state.adding
    assert outbox_queries.load(without.pk + 1000) is None


def test_worker_that_read_a_message_another_worker_sent_does_not_send_it(clinic, monkeypatch):
    message = message_for(clinic.family_a)
    load = outbox_queries.load
    other_worker = []

    def another_worker_delivers_right_after_this_one_read(message_id):
        loaded = load(message_id)
        monkeypatch.setattr(outbox_queries, "load", load)
        other_worker.append(delivery.deliver(message_id).status)
        return loaded

    monkeypatch.setattr(outbox_queries, "load", another_worker_delivers_right_after_this_one_read)
    assert delivery.deliver(message.pk).status == "claimed by another worker"
    assert other_worker == ["sent"]
    assert len(mail.outbox) == 1
    assert (reload(message).status, message.attempts) == (Status.SENT, 1)


@pytest.fixture
def counted_mail(settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.CountingBackend"
    CountingBackend.opened = CountingBackend.closed = 0
    yield CountingBackend
    delivery.forget_mail_connection()


def test_worker_keeps_one_mail_connection_open(clinic, counted_mail):
    for _ in range(3):
        assert delivery.deliver(message_for(clinic.family_a).pk).status == "sent"
    assert len(mail.outbox) == 3
    assert (counted_mail.opened, counted_mail.closed) == (1, 0)


def test_mail_connection_is_replaced_after_a_failure_and_after_an_idle_spell(clinic, counted_mail, monkeypatch):
    assert delivery.deliver(message_for(clinic.family_a).pk).status == "sent"

    def refuse(self, messages):
        raise ConnectionResetError("The mail server went away")

    with monkeypatch.context() as patch:
        patch.setattr(CountingBackend, "send_messages", refuse)
        failing = message_for(clinic.family_a)
        assert delivery.deliver(failing.pk).status == "will retry"
    assert "The mail server went away" in reload(failing).last_error
    assert (counted_mail.opened, counted_mail.closed) == (1, 1)
    assert delivery.deliver(message_for(clinic.family_a).pk).status == "sent"
    assert (counted_mail.opened, counted_mail.closed) == (2, 1)

    monkeypatch.setattr(delivery, "MAIL_CONNECTION_IDLE_SECONDS", -1)
    assert delivery.deliver(message_for(clinic.family_a).pk).status == "sent"
    assert (counted_mail.opened, counted_mail.closed) == (3, 2)
    assert len(mail.outbox) == 3


def test_development_mail_holds_every_message_sent(clinic, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    messages = [message_for(clinic.family_a) for _ in range(3)]
    for message in messages:
        assert delivery.deliver(message.pk).status == "sent"
    written = "".join(path.read_text() for path in tmp_path.iterdir())  # before the connection is closed
    delivery.forget_mail_connection()
    for message in messages:
        assert written.count(delivery.message_id_header(message)) == 1


def test_program_settings_are_read_again_when_saved(clinic):
    program = delivery.program_settings()
    program.clinic_name = "Harbor Clinic"
    program.save()
    assert delivery.program_settings().clinic_name == "Harbor Clinic"


def test_message_claimed_by_another_worker_is_left_alone(clinic):
    message = message_for(clinic.family_a, status=Status.SENDING, claimed_at=timezone.now())
    assert delivery.deliver(message.pk).status == "nothing to do"
    assert mail.outbox == []


def test_same_key_queued_twice_is_one_message(clinic, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = queue_message(key="k:1", kind="closure", recipient=clinic.family_a, body="No group today.")
        second = queue_message(key="k:1", kind="closure", recipient=clinic.family_a, body="Changed text")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1
    assert len(callbacks) == 1
    assert reload(first).body == "No group today."


def test_message_due_later_is_not_enqueued_at_commit(clinic, django_capture_on_commit_callbacks):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks() as callbacks:
        message = queue_message(key="k:2", kind="group_tonight", recipient=clinic.family_a, body="x", due_at=tomorrow)
    assert callbacks == []
    assert delivery.deliver(message.pk).status == "not due yet"
    assert mail.outbox == []


def test_language_is_stored_with_the_message(clinic):
    clinic.family_a.language = "es"
    clinic.family_a.save()
    message = queue_message(key="k:3", kind="closure", recipient=clinic.family_a, body="Hoy no hay grupo.")
    assert message.language == "es"


def test_message_id_is_the_same_for_every_attempt(clinic):
    message = message_for(clinic.family_a)
    assert delivery.message_id_header(message) == delivery.message_id_header(reload(message))
    assert message.idempotency_key not in delivery.message_id_header(message)


# --- failures, retries, recovery --------------------------------------------------------


def test_failed_send_is_retried_later_with_the_error_recorded(clinic, flaky_mail):
    (flaky_mail / "fail_first").write_text("1")
    message = message_for(clinic.family_a)
    outcome = delivery.deliver(message.pk)
    assert outcome.status == "will retry"
    assert outcome.retry_in == settings.OUTBOX_RETRY_BASE_SECONDS
    reload(message)
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert "Connection unexpectedly closed" in message.last_error
    assert message.due_at > timezone.now()
    assert delivery.deliver(message.pk).status == "not due yet"
    with time_machine.travel(message.due_at + datetime.timedelta(seconds=1)):
        assert delivery.deliver(message.pk).status == "sent"
    assert len(sent_messages(flaky_mail)) == 1
    assert reload(message).attempts == 2


def test_backoff_doubles_after_each_failure(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    assert [delivery.retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_message_fails_visibly_after_the_last_attempt(clinic, flaky_mail, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    (flaky_mail / "fail_first").write_text("99")
    message = message_for(clinic.family_a)
    outcomes = [delivery.deliver(message.pk).status for _ in range(4)]
    assert outcomes == ["will retry", "will retry", "failed", "nothing to do"]
    reload(message)
    assert (message.status, message.attempts) == (Status.FAILED, 3)
    assert "SMTPServerDisconnected" in message.last_error
    assert sent_messages(flaky_mail) == []


def test_task_retries_until_delivered_once(clinic, flaky_mail, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0
    settings.OUTBOX_MAX_ATTEMPTS = 8
    (flaky_mail / "fail_first").write_text("6")  # more than Celery's default of 3 retries
    message = message_for(clinic.family_a)
    assert deliver_message.apply(args=(message.pk,)).get() == "sent"
    assert len(sent_messages(flaky_mail)) == 1
    assert reload(message).attempts == 7


def test_requeued_failed_message_gets_fresh_attempts(clinic, django_capture_on_commit_callbacks):
    message = message_for(clinic.family_a, status=Status.FAILED, attempts=5, last_error="SMTP down")
    with django_capture_on_commit_callbacks() as callbacks:
        assert requeue_failed(message)
        assert not requeue_failed(message)
    assert len(callbacks) == 1
    assert (reload(message).status, message.attempts) == (Status.PENDING, 0)
    assert delivery.deliver(message.pk).status == "sent"
    assert len(mail.outbox) == 1


def test_sweep_recovers_a_send_interrupted_by_a_dead_worker(clinic, settings):
    settings.OUTBOX_SENDING_TIMEOUT_SECONDS = 600
    now = timezone.now()
    stuck = message_for(clinic.family_a, status=Status.SENDING, claimed_at=now - datetime.timedelta(minutes=11))
    busy = message_for(clinic.family_a, status=Status.SENDING, claimed_at=now - datetime.timedelta(minutes=1))
    OutboxMessage.objects.update(created_at=now - datetime.timedelta(hours=1), attempts=1)
    assert delivery.sweep(now) == [(stuck.pk, False)]
    assert reload(stuck).status == Status.PENDING
    assert stuck.last_error == delivery.INTERRUPTED_AGAIN
    assert reload(busy).status == Status.SENDING
    assert delivery.deliver(stuck.pk).status == "sent"
    assert len(mail.outbox) == 1


def test_an_urgent_send_interrupted_is_sent_again_within_minutes_not_a_quarter_hour(clinic, settings):
    settings.OUTBOX_SENDING_TIMEOUT_SECONDS = 900
    settings.OUTBOX_URGENT_SENDING_TIMEOUT_SECONDS = 180
    now = timezone.now()

    def stuck_for(minutes, urgent):
        claimed = now - datetime.timedelta(minutes=minutes)
        return message_for(clinic.clinician_1, status=Status.SENDING, claimed_at=claimed, urgent=urgent)

    alert_4 = stuck_for(4, urgent=True)
    alert_2 = stuck_for(2, urgent=True)  # under the urgent time-out: its worker may still be at it
    reminder_4 = stuck_for(4, urgent=False)
    reminder_16 = stuck_for(16, urgent=False)
    OutboxMessage.objects.update(created_at=now - datetime.timedelta(hours=1), attempts=1)
    # Urgent first: the beat enqueues the alert before the reminder.
    assert delivery.sweep(now) == [(alert_4.pk, True), (reminder_16.pk, False)]
    assert reload(alert_2).status == reload(reminder_4).status == Status.SENDING


def test_the_urgent_sending_timeout_outlasts_the_delivery_tasks_hard_limit():
    from iop.tasks import DELIVERY_TIME_LIMIT

    assert settings.OUTBOX_URGENT_SENDING_TIMEOUT_SECONDS > DELIVERY_TIME_LIMIT + delivery.MARKING_RETRY_SECONDS
    assert settings.OUTBOX_URGENT_SENDING_TIMEOUT_SECONDS < settings.OUTBOX_SENDING_TIMEOUT_SECONDS


def test_interrupted_last_attempt_is_failed_not_resent(clinic, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    old = timezone.now() - datetime.timedelta(hours=1)
    stuck = message_for(clinic.family_a, status=Status.SENDING, claimed_at=old, attempts=2)
    assert delivery.sweep() == []
    assert (reload(stuck).status, stuck.last_error) == (Status.FAILED, delivery.INTERRUPTED_FAILED)


def test_sweep_takes_due_messages_and_leaves_fresh_and_future_ones(clinic, settings):
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 60
    now = timezone.now()
    old_due = message_for(clinic.family_a, due_at=now)
    future = message_for(clinic.family_a, due_at=now + datetime.timedelta(hours=2))
    OutboxMessage.objects.update(created_at=now - datetime.timedelta(minutes=5))
    message_for(clinic.family_a)  # just created: its enqueue on commit is on its way
    message_for(clinic.family_a, status=Status.SENT, sent_at=now)
    assert delivery.sweep(now) == [(old_due.pk, False)]
    assert (future.pk, False) not in delivery.sweep(now + datetime.timedelta(hours=1))


def test_sweep_runs_every_minute_from_beat():
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "iop.tasks.sweep_outbox")
    assert entry["schedule"] == 60.0


# --- quiet hours --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected_end"),
    [
        (local(2026, 11, 23, 20, 59), None),
        (local(2026, 11, 23, 21, 0), local(2026, 11, 24, 8, 0)),
        (local(2026, 11, 23, 23, 30), local(2026, 11, 24, 8, 0)),
        (local(2026, 11, 24, 2, 0), local(2026, 11, 24, 8, 0)),
        (local(2026, 11, 24, 7, 59), local(2026, 11, 24, 8, 0)),
        (local(2026, 11, 24, 8, 0), None),
    ],
)
def test_default_quiet_hours_cross_midnight(moment, expected_end):
    assert delivery.quiet_hours_end(moment, Program()) == expected_end


def test_quiet_hours_within_one_day_and_switched_off():
    program = Program.current()
    program.quiet_hours_start, program.quiet_hours_end = datetime.time(12, 0), datetime.time(13, 30)
    assert delivery.quiet_hours_end(local(2026, 11, 23, 12, 15), program) == local(2026, 11, 23, 13, 30)
    assert delivery.quiet_hours_end(local(2026, 11, 23, 14, 0), program) is None
    program.quiet_hours_end = program.quiet_hours_start
    assert delivery.quiet_hours_end(local(2026, 11, 23, 12, 15), program) is None


def test_quiet_hours_hold_a_reminder_until_morning(clinic, settings):
    factories.set_quiet_hours(datetime.time(21, 0), datetime.time(8, 0))
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 60
    with time_machine.travel(local(2026, 11, 23, 22, 15), tick=False):
        message = queue_message(key="late", kind="schedule_change", recipient=clinic.family_a, body="Changed.")
        assert delivery.deliver(message.pk).status == "held for quiet hours"
    assert (reload(message).status, message.due_at) == (Status.PENDING, local(2026, 11, 24, 8, 0))
    assert message.held_for_quiet_hours
    with time_machine.travel(local(2026, 11, 24, 7, 59), tick=False):
        assert delivery.sweep() == []
        assert delivery.deliver(message.pk).status == "not due yet"
    with time_machine.travel(local(2026, 11, 24, 8, 0, 30), tick=False):
        assert delivery.sweep() == [(message.pk, False)]
        assert delivery.deliver(message.pk).status == "sent"
    assert len(mail.outbox) == 1
    assert reload(message).sent_at == local(2026, 11, 24, 8, 0, 30)


def test_urgent_alert_goes_at_once_in_quiet_hours(clinic):
    factories.set_quiet_hours(datetime.time(21, 0), datetime.time(8, 0))
    with time_machine.travel(local(2026, 11, 23, 23, 0), tick=False):
        message = queue_message(
            key="alert", kind="safety_alert", recipient=clinic.clinician_1, body="Open the app.", urgent=True
        )
        assert delivery.deliver(message.pk).status == "sent"
    assert mail.outbox[0].to == [clinic.clinician_1.email]


# --- who gets nothing, and by which channel ---------------------------------------------


def test_opted_out_family_gets_nothing(clinic):
    clinic.family_a.reminders_opt_out = True
    clinic.family_a.save()
    message = message_for(clinic.family_a)
    assert delivery.deliver(message.pk).status == "skipped"
    assert (reload(message).status, message.skipped_reason) == (Status.SKIPPED, "Opted out of reminders")
    assert mail.outbox == []


def test_do_not_contact_gets_nothing_not_even_urgent(clinic):
    clinic.family_a.do_not_contact = True
    clinic.family_a.do_not_contact_reason = "Contact at home may be unsafe"
    clinic.family_a.save()
    message = message_for(clinic.family_a, urgent=True)
    assert delivery.deliver(message.pk).status == "skipped"
    reload(message)
    assert message.skipped_reason == "Do not contact (set by a clinician)"
    assert "unsafe" not in message.skipped_reason  # the clinician's reason stays on the person
    assert mail.outbox == []


def test_opted_out_clinician_still_gets_urgent_alerts(clinic):
    clinic.clinician_1.reminders_opt_out = True
    clinic.clinician_1.save()
    alert = message_for(clinic.clinician_1, urgent=True, kind="safety_alert")
    reminder = message_for(clinic.clinician_1, kind="notes_to_sign")
    assert delivery.deliver(alert.pk).status == "sent"
    assert delivery.deliver(reminder.pk).status == "skipped"


def test_text_goes_by_sms_with_consent(clinic):
    clinic.family_a.phone = "+15555550101"
    clinic.family_a.give_sms_consent()
    clinic.family_a.save()
    message = message_for(clinic.family_a, channel=OutboxMessage.Channel.SMS, to_address="+15555550101")
    assert delivery.deliver(message.pk).status == "sent"
    assert sms.outbox == [{"to": "+15555550101", "body": message.body}]
    assert mail.outbox == []


def test_text_without_consent_falls_back_to_email(clinic):
    clinic.family_a.phone = "+15555550101"
    clinic.family_a.save()
    message = message_for(clinic.family_a, channel=OutboxMessage.Channel.SMS, to_address="+15555550101")
    assert delivery.deliver(message.pk).status == "sent"
    assert sms.outbox == []
    assert mail.outbox[0].to == [clinic.family_a.email]
    assert (reload(message).channel, message.to_address) == (OutboxMessage.Channel.EMAIL, clinic.family_a.email)


def test_text_to_an_address_without_consent_is_skipped(db):
    message = factories.OutboxMessageFactory(recipient=None, channel=OutboxMessage.Channel.SMS, to_address="+1555")
    assert delivery.deliver(message.pk).status == "skipped"
    assert reload(message).skipped_reason == "No consent to text messages and no email address"


def test_missing_address_is_skipped_with_reason(clinic):
    message = message_for(clinic.family_a, to_address="")
    delivery.deliver(message.pk)
    assert (reload(message).status, message.skipped_reason) == (Status.SKIPPED, "No email address")


def test_do_not_contact_needs_a_reason(clinic):
    clinic.family_a.do_not_contact = True
    with pytest.raises(IntegrityError):
        clinic.family_a.save()


def test_sms_consent_needs_a_date(clinic):
    clinic.family_a.sms_consent = True
    with pytest.raises(IntegrityError):
        clinic.family_a.save()


def test_user_form_asks_for_a_do_not_contact_reason_and_dates_consent(clinic):
    person = clinic.family_a
    person.do_not_contact = True
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert "do_not_contact_reason" in refused.value.message_dict
    person.do_not_contact, person.sms_consent = False, True
    person.full_clean()
    assert person.sms_consent_at is not None


def test_changing_who_may_be_contacted_is_audited(clinic):
    person = clinic.family_a
    person.do_not_contact, person.do_not_contact_reason = True, "Contact at home may be unsafe"
    person.save()
    entry = AuditEntry.objects.filter(object_pk=str(person.pk), event="update").latest("pk")
    assert "do_not_contact" in entry.changes
    assert "unsafe" not in str(entry.changes)


@pytest.mark.parametrize("email_url", [None, "filemail:///srv/iop/mail"])
def test_development_mail_folder_is_the_absolute_path_given(tmp_path, email_url):
    env = {k: v for k, v in os.environ.items() if k not in ("EMAIL_URL", "EMAIL_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env["IOP_VAR_DIR"] = str(tmp_path)
    if email_url:
        env["EMAIL_URL"] = email_url
    printed = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EMAIL_FILE_PATH)"],
        env={**env, "DJANGO_SETTINGS_MODULE": "iop.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert printed == ("/srv/iop/mail" if email_url else str(tmp_path / "mail"))


def test_a_send_the_database_would_not_mark_is_marked_later_and_never_sent_again(clinic, monkeypatch):
    from django.db import DatabaseError

    message = message_for(clinic.family_a)

    def database_down(*_args, **_kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(outbox_queries, "mark_sent", database_down)
    outcome = delivery.deliver(message.pk)
    assert (outcome.status, outcome.retry_in) == ("sent, marking later", delivery.MARKING_RETRY_SECONDS)
    assert reload(message).status == Status.SENDING and len(mail.outbox) == 1
    # Retried until a minute before the sweep would take it for interrupted and send it again.
    retries = delivery.marking_retries()
    assert (retries + 2) * delivery.MARKING_RETRY_SECONDS <= settings.OUTBOX_SENDING_TIMEOUT_SECONDS
    assert retries * delivery.MARKING_RETRY_SECONDS >= settings.OUTBOX_SENDING_TIMEOUT_SECONDS - 90
    monkeypatch.undo()
    assert delivery.deliver(message.pk, sent_marker=outcome.sent_marker).status == "sent"
    assert reload(message).status == Status.SENT and message.provider_id == outcome.sent_marker
    assert len(mail.outbox) == 1


def test_an_urgent_send_is_marked_again_only_until_its_shorter_timeout(clinic, monkeypatch):
    from django.db import DatabaseError

    message = message_for(clinic.clinician_1, urgent=True)

    def database_down(*_args, **_kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(outbox_queries, "mark_sent", database_down)
    outcome = delivery.deliver(message.pk)
    assert (outcome.status, outcome.urgent) == ("sent, marking later", True)
    retries = delivery.marking_retries(urgent=True)
    assert retries < delivery.marking_retries()
    assert (retries + 2) * delivery.MARKING_RETRY_SECONDS <= settings.OUTBOX_URGENT_SENDING_TIMEOUT_SECONDS
    # Marking again carries the urgency on (it reads nothing of the message).
    monkeypatch.setattr(OutboxMessage.objects, "filter", database_down)
    again = delivery.deliver(message.pk, sent_marker=outcome.sent_marker, urgent=True)
    assert (again.status, again.urgent) == ("sent, marking later", True)
    monkeypatch.undo()
    assert delivery.deliver(message.pk, sent_marker=outcome.sent_marker, urgent=True).status == "sent"
    assert reload(message).status == Status.SENT and len(mail.outbox) == 1
