"""Tonight's group reminder through a real Redis and a real Celery worker: the
producer run twice (beat fired twice, or was restarted) delivers once to each
family; the family marked "do not contact" gets nothing."""

import datetime
import time

import pytest
from django.utils import timezone

from families import contact
from families import reminders as producers
from iop import reminders
from iop.models import OutboxMessage
from iop.tasks import sweep_outbox
from tests import factories
from tests.mail_backends import sent_messages
from tests.worker import publishing_to, unique_queue, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("quiet_hours_off")]


def test_group_tonight_run_twice_is_delivered_once_per_family(clinic, redis_url, start_worker, tmp_path):
    mailbox = tmp_path / "mailbox"
    mailbox.mkdir()
    day = timezone.localdate() + datetime.timedelta(days=7)
    for client in (clinic.client_a, clinic.client_b):
        factories.EnrollmentFactory(client=client)
        factories.SessionFactory(cohort=client.cohort, day=day)
    contact.stop_contact(clinic.family_b, reason="Contact at home may be unsafe.", by=clinic.clinician_2)
    afternoon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 0)))
    queue = unique_queue()
    env = {"EMAIL_BACKEND": "tests.mail_backends.FlakyFileBackend", "IOP_TEST_MAILBOX": str(mailbox)}
    start_worker(redis_url, queue, **env, OUTBOX_SWEEP_GRACE_SECONDS="0")

    with publishing_to(redis_url, queue):
        producers.group_tonight(now=afternoon)
        producers.group_tonight(now=afternoon)
        (message,) = OutboxMessage.objects.filter(kind=reminders.GROUP_TONIGHT)
        wait_until(lambda: OutboxMessage.objects.get(pk=message.pk).status == "sent", what="the reminder to be sent")
        producers.group_tonight(now=afternoon)
        sweep_outbox.delay()
        time.sleep(1.5)

    assert [m["to"] for m in sent_messages(mailbox)] == [[clinic.family_a.email]]
    assert message.recipient == clinic.family_a
