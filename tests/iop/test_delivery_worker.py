"""Reminders through a real Celery worker process and a real Redis: retried
sends, a killed worker, a broker that is down when the event is saved, people
who must get nothing, and a safety alert that does not wait behind a queue of
reminders. Every message is checked to arrive exactly once."""

import datetime
import time

import pytest
import redis
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iop import delivery
from iop.models import OutboxMessage
from iop.outbox import queue_message
from iop.tasks import deliver_message, sweep_outbox
from tests import factories
from tests.mail_backends import sent_messages
from tests.worker import filesystem_broker, publishing_to, unique_queue, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("quiet_hours_off")]

Status = OutboxMessage.Status


@pytest.fixture
def mailbox(tmp_path):
    folder = tmp_path / "mailbox"
    folder.mkdir()
    return folder


@pytest.fixture
def worker_env(mailbox):
    """What the worker process needs: the test mail backend, quick retries and sweeps."""
    return {
        "EMAIL_BACKEND": "tests.mail_backends.FlakyFileBackend",
        "IOP_TEST_MAILBOX": str(mailbox),
        "OUTBOX_RETRY_BASE_SECONDS": "0.2",
        "OUTBOX_SWEEP_GRACE_SECONDS": "0",
        "OUTBOX_SENDING_TIMEOUT_SECONDS": "1",
    }


@pytest.fixture
def queue():
    return unique_queue()


def queue_reminder(person, key="group:1", **fields):
    with transaction.atomic():
        return queue_message(key=key, kind="group_tonight", recipient=person, body="Group tonight 17:30.", **fields)


def deliveries_of(mailbox, message):
    return [m for m in sent_messages(mailbox) if m["message_id"] == delivery.message_id_header(message)]


def status_of(message, *statuses):
    message.refresh_from_db()
    return message.status in statuses


def test_reminder_failing_three_times_is_delivered_once(clinic, redis_url, queue, start_worker, mailbox, worker_env):
    (mailbox / "fail_first").write_text("3")
    start_worker(redis_url, queue, **worker_env)
    with publishing_to(redis_url, queue):
        message = queue_reminder(clinic.family_a)
        for _ in range(3):  # duplicate and redelivered tasks race the real one
            deliver_message.delay(message.pk)
        wait_until(lambda: status_of(message, Status.SENT), what="the message to be sent")
        sweep_outbox.delay()
        time.sleep(1.5)
    assert len(deliveries_of(mailbox, message)) == 1
    message.refresh_from_db()
    assert message.attempts == 4
    assert "Connection unexpectedly closed" in message.last_error


def test_last_failure_is_visible_and_retry_button_delivers_once(
    clinic, login, redis_url, queue, start_worker, mailbox, worker_env
):
    (mailbox / "fail_first").write_text("99")
    start_worker(redis_url, queue, **{**worker_env, "OUTBOX_MAX_ATTEMPTS": "3"})
    with publishing_to(redis_url, queue):
        message = queue_reminder(clinic.family_a)
        wait_until(lambda: status_of(message, Status.FAILED), what="the message to fail")
        assert message.attempts == 3
        page = login(clinic.admin).get(reverse("delivery_log"), {"status": "failed"}).content.decode()
        assert "SMTPServerDisconnected" in page
        (mailbox / "fail_first").unlink()
        response = login(clinic.admin).post(reverse("delivery_retry", args=[message.pk]))
        assert response.status_code == 302
        wait_until(lambda: status_of(message, Status.SENT), what="the retried message to be sent")
        login(clinic.admin).post(reverse("delivery_retry", args=[message.pk]))
        time.sleep(1)
    assert len(deliveries_of(mailbox, message)) == 1


@pytest.mark.parametrize("urgent", [False, True], ids=["reminder", "safety alert"])
def test_worker_killed_mid_delivery_delivers_once_after_restart(
    clinic, redis_url, queue, start_worker, mailbox, worker_env, urgent
):
    if urgent:  # an alert is sent again after its own, shorter time-out
        worker_env |= {"OUTBOX_SENDING_TIMEOUT_SECONDS": "900", "OUTBOX_URGENT_SENDING_TIMEOUT_SECONDS": "1"}
    (mailbox / "hang").touch()
    worker = start_worker(redis_url, queue, **worker_env)
    with publishing_to(redis_url, queue):
        message = queue_reminder(clinic.clinician_1 if urgent else clinic.family_a, urgent=urgent)
        wait_until(lambda: (mailbox / "started").exists(), what="the send to start")
        worker.kill()
        assert status_of(message, Status.SENDING)
        (mailbox / "hang").unlink()
        start_worker(redis_url, queue, **worker_env)
        time.sleep(1.2)  # the claim is now older than the sending time-out
        sweep_outbox.delay()
        wait_until(lambda: status_of(message, Status.SENT), what="the message to be sent after the restart")
        sweep_outbox.delay()
        time.sleep(1.5)
    assert len(deliveries_of(mailbox, message)) == 1
    assert message.last_error == delivery.INTERRUPTED_AGAIN


def test_redis_down_when_event_is_saved_message_goes_out_once_via_sweep(
    clinic, private_redis, queue, start_worker, mailbox, worker_env
):
    with publishing_to(private_redis.url, queue):
        private_redis.stop()
        started = time.monotonic()
        message = queue_reminder(clinic.family_a)  # the transaction commits; the enqueue fails quietly
        assert time.monotonic() - started < 10
        assert OutboxMessage.objects.filter(pk=message.pk, status=Status.PENDING).exists()
        private_redis.start()
        start_worker(private_redis.url, queue, **worker_env)
        time.sleep(1)
        assert status_of(message, Status.PENDING)  # nothing was queued while Redis was down
        sweep_outbox.delay()
        wait_until(lambda: status_of(message, Status.SENT), what="the sweep to deliver the message")
        sweep_outbox.delay()
        time.sleep(1.5)
    assert len(deliveries_of(mailbox, message)) == 1


def test_opted_out_and_do_not_contact_families_get_nothing(clinic, redis_url, queue, start_worker, mailbox, worker_env):
    clinic.family_a.reminders_opt_out = True
    clinic.family_a.save()
    clinic.family_b.do_not_contact = True
    clinic.family_b.do_not_contact_reason = "Contact at home may be unsafe"
    clinic.family_b.save()
    start_worker(redis_url, queue, **worker_env)
    with publishing_to(redis_url, queue):
        opted_out = queue_reminder(clinic.family_a, key="a")
        not_to_contact = queue_reminder(clinic.family_b, key="b")
        staff = queue_reminder(clinic.clinician_1, key="c")
        wait_until(lambda: status_of(staff, Status.SENT), what="the staff reminder to be sent")
        wait_until(lambda: status_of(opted_out, Status.SKIPPED) and status_of(not_to_contact, Status.SKIPPED))
    sent_to = [m["to"] for m in sent_messages(mailbox)]
    assert sent_to == [[clinic.clinician_1.email]]
    assert opted_out.skipped_reason == "Opted out of reminders"
    assert not_to_contact.skipped_reason == "Do not contact (set by a clinician)"
    assert not_to_contact.sent_at is None and timezone.now() > not_to_contact.created_at


def test_two_workers_each_given_every_message_deliver_each_once(
    clinic, redis_url, queue, start_worker, mailbox, worker_env
):
    workers = [start_worker(redis_url, queue, **worker_env) for _ in range(2)]
    with publishing_to(redis_url, queue):
        messages = [queue_reminder(clinic.family_a, key=f"group:{n}") for n in range(20)]  # each enqueued once
        for message in messages * 2:  # and twice more, so both workers race for each
            deliver_message.delay(message.pk)
        sent = OutboxMessage.objects.filter(pk__in=[m.pk for m in messages], status=Status.SENT)
        wait_until(lambda: sent.count() == len(messages), what="every message to be sent")
        finished = "iop.tasks.deliver_message["  # in a "received" and a "succeeded" line per task
        wait_until(lambda: sum(w.log.count(finished) for w in workers) >= 2 * 3 * len(messages), what="every task")
    assert all(finished in worker.log for worker in workers)  # both workers took part
    for message in messages:
        assert len(deliveries_of(mailbox, message)) == 1


@pytest.mark.parametrize("broker", ["filesystem", "redis"])
def test_a_safety_alert_is_sent_before_the_reminders_queued_ahead_of_it(
    clinic, broker, redis_url, tmp_path, queue, start_worker, mailbox, worker_env
):
    if broker == "redis":
        url, options, broker_env = redis_url, None, {}
    else:
        url = "filesystem://"
        options, broker_env = filesystem_broker(tmp_path / "broker")
    backlog = 60
    with publishing_to(url, queue, transport_options=options):
        reminders = [queue_reminder(clinic.family_a, key=f"group:{n}") for n in range(backlog)]
        alert = queue_reminder(clinic.clinician_1, key="alert", urgent=True)
        # As docker-compose.yml's worker: -Q names the deployment queue only.
        start_worker(url, queue, take=queue, **worker_env, **broker_env)
        sent = OutboxMessage.objects.filter(status=Status.SENT)
        wait_until(lambda: sent.count() == backlog + 1, timeout=60, what="every message to be sent")
    order = list(sent.order_by("sent_at").values_list("pk", flat=True))
    # Queued last, sent among the first: the worker turns to the urgent queue at
    # its second look, and holds at most its prefetch (4 for each of 2 processes).
    assert order.index(alert.pk) < 10
    assert {m.pk for m in reminders} <= set(order)
    assert len(sent_messages(mailbox)) == backlog + 1


def test_the_sweep_sends_urgent_messages_through_the_urgent_queue(clinic, redis_url, queue, settings):
    settings.OUTBOX_SWEEP_GRACE_SECONDS = 60
    before = timezone.now() - datetime.timedelta(minutes=5)
    for person, urgent in ((clinic.family_a, False), (clinic.clinician_1, True)):  # left by a broker that was down
        factories.OutboxMessageFactory(recipient=person, to_address=person.email, urgent=urgent, due_at=before)
    OutboxMessage.objects.update(created_at=before)
    broker = redis.Redis.from_url(redis_url)
    with publishing_to(redis_url, queue):
        assert sweep_outbox() == 2  # run here: what it sends waits in the broker
    try:
        assert (broker.llen(f"{queue}.urgent"), broker.llen(queue)) == (1, 1)
    finally:
        broker.delete(queue, f"{queue}.urgent")


def test_an_urgent_message_retried_after_a_failed_send_comes_back_through_the_urgent_queue(
    clinic, redis_url, queue, start_worker, mailbox, worker_env
):
    (mailbox / "fail_first").write_text("1")
    # A worker that takes only the urgent queue: a retry sent anywhere else would wait for ever.
    start_worker(redis_url, queue, take=f"{queue}.urgent", **worker_env)
    with publishing_to(redis_url, queue):
        alert = queue_reminder(clinic.clinician_1, key="alert", urgent=True)
        wait_until(lambda: status_of(alert, Status.SENT), what="the alert to be sent on its second attempt")
    assert alert.attempts == 2
    assert len(deliveries_of(mailbox, alert)) == 1
