"""The clinical record's daily reminders: a client's questionnaire link when their
PHQ is due (to the client's own address, never the family's), and each
clinician's morning digest of work waiting, in counts only."""

import datetime

import pytest
from django.utils import timezone

from clinicians import reminders as producers
from clinicians.models import SelfReportLink
from clinicians.models.measures import Mode
from iop import reminders
from iop.models import AuditEntry, OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db

BASE_URL = "https://iop.example"


@pytest.fixture
def teen_with_email(clinic):
    """Client A (admitted four weeks ago, no questionnaire yet: due) has their own email."""
    clinic.client_a.email = "avery.own@example.test"
    clinic.client_a.save()
    return clinic


def link_messages():
    return list(OutboxMessage.objects.filter(kind=reminders.CHECK_IN_DUE))


def test_due_client_gets_a_working_link_at_their_own_address_once(teen_with_email, client):
    producers.send_check_in_links(base_url=BASE_URL)
    producers.send_check_in_links(base_url=BASE_URL)  # beat ran twice: still one link, one message

    (message,) = link_messages()
    assert message.recipient is None and message.to_address == "avery.own@example.test"
    assert teen_with_email.family_a.email not in message.to_address
    assert message.body.startswith("Your weekly check-in is ready: https://iop.example/")
    link = SelfReportLink.objects.get()
    assert link.client == teen_with_email.client_a and link.mode == Mode.LINK and link.instrument == "phqa"
    assert link.created_by == teen_with_email.clinician_1
    path = message.body.split(BASE_URL, 1)[1]
    assert client.get(path).status_code == 200  # the teen can open it
    assert AuditEntry.objects.filter(event="issue_self_report_link", client_id=teen_with_email.client_a.pk).count() == 1
    assert not reminders.health_words_in(message.body + message.subject)
    assert "Avery" not in message.body and "Quill" not in message.body


def test_no_link_when_not_due_no_own_address_discharged_or_one_is_open(teen_with_email):
    factories.AdministrationFactory(
        client=teen_with_email.client_a, administered_at=timezone.now() - datetime.timedelta(days=2)
    )
    assert producers.send_check_in_links(base_url=BASE_URL) == []  # answered two days ago: due in five

    later = timezone.now() + datetime.timedelta(days=6)
    SelfReportLink.issue(
        client=teen_with_email.client_a, instrument="phqa", created_by=teen_with_email.clinician_1, mode=Mode.LINK
    )
    assert producers.send_check_in_links(now=timezone.now(), base_url=BASE_URL) == []
    assert len(producers.send_check_in_links(now=later, base_url=BASE_URL)) == 1  # the manual link has expired

    assert teen_with_email.client_b.email == ""  # due, but no address of their own: nothing
    assert {m.to_address for m in link_messages()} == {"avery.own@example.test"}


def test_discharged_client_gets_no_link(teen_with_email):
    client = teen_with_email.client_a
    client.status, client.discharged_on = "discharged", timezone.localdate()
    client.save()
    assert producers.send_check_in_links(base_url=BASE_URL) == []


# --- The morning digest ---------------------------------------------------------------


def test_digest_counts_what_waits_for_each_clinician_and_names_nobody(clinic):
    factories.NoteFactory(client=clinic.client_a, author=clinic.clinician_1)
    factories.signed_plan(clinic.client_a)
    forty_days_on = timezone.now() + datetime.timedelta(days=40)

    producers.send_morning_digests(now=forty_days_on)
    producers.send_morning_digests(now=forty_days_on + datetime.timedelta(hours=1))  # same day: nothing more

    outbox = {m.recipient: m for m in OutboxMessage.objects.filter(kind=reminders.STAFF_DIGEST)}
    assert outbox[clinic.clinician_1].body.splitlines() == [
        "You have 1 note waiting for your signature. Open the app.",
        "1 plan review is due. Open the app.",
        "1 weekly check-in is overdue. Open the app.",
    ]
    assert outbox[clinic.clinician_2].body == "1 weekly check-in is overdue. Open the app."
    for message in outbox.values():
        assert not reminders.health_words_in(message.body + message.subject)
        for person in (clinic.client_a, clinic.client_b):
            assert person.legal_first_name not in message.body and person.legal_last_name not in message.body


def test_a_safety_plan_owed_after_an_alert_comes_first_in_the_digest_of_those_who_can_write_it(clinic):
    from clinicians.models import RiskAssessment, SafetyAlert

    factories.AdministrationFactory(client=clinic.client_a)  # item 9 answered 1: an alert
    SafetyAlert.objects.get(client=clinic.client_a).close_with(
        RiskAssessment(
            cssrs_screen="low",
            disposition="home_with_plan",
            safety_plan="reviewed",
            notes="Seen by the on-call clinician; the team updates the plan with her.",
            assessed_by=clinic.clinician_2,
        )
    )
    producers.send_morning_digests()

    outbox = {m.recipient: m for m in OutboxMessage.objects.filter(kind=reminders.STAFF_DIGEST)}
    assert outbox[clinic.clinician_1].body.splitlines()[0] == "1 client is owed a plan after an alert. Open the app."
    assert "owed" not in outbox.get(clinic.clinician_2, OutboxMessage(body="")).body  # not their client's chart
    assert not reminders.health_words_in(outbox[clinic.clinician_1].body)


def test_digest_skips_clinicians_with_nothing_waiting_and_those_who_opted_out(clinic):
    factories.AdministrationFactory(client=clinic.client_a)  # client A's questionnaire is up to date
    clinic.clinician_2.reminders_opt_out = True
    clinic.clinician_2.save()

    assert producers.send_morning_digests() == []
    assert not OutboxMessage.objects.filter(kind=reminders.STAFF_DIGEST).exists()


def test_a_new_day_brings_a_new_digest(clinic):
    today = timezone.now()
    producers.send_morning_digests(now=today)
    producers.send_morning_digests(now=today + datetime.timedelta(days=1))
    assert OutboxMessage.objects.filter(kind=reminders.STAFF_DIGEST, recipient=clinic.clinician_1).count() == 2


@pytest.mark.parametrize(
    ("saturday", "sunday"),
    [(datetime.date(2026, 3, 7), datetime.date(2026, 3, 8)), (datetime.date(2026, 10, 31), datetime.date(2026, 11, 1))],
    ids=["clocks go forward", "clocks go back"],
)
def test_a_link_unanswered_is_followed_the_next_afternoon_when_the_clocks_change_overnight(settings, saturday, sunday):
    from zoneinfo import ZoneInfo

    import time_machine

    settings.TIME_ZONE = "America/New_York"
    clinic_time = ZoneInfo("America/New_York")

    def run_at(day, minute):
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(15, minute), clinic_time), tick=False):
            producers.send_check_in_links(base_url=BASE_URL)

    with timezone.override(clinic_time):
        with time_machine.travel(datetime.datetime.combine(saturday, datetime.time(12), clinic_time), tick=False):
            client = factories.ClientFactory(email="teen.own@example.test")
        run_at(saturday, 30)
        (link,) = SelfReportLink.objects.filter(client=client)
        assert timezone.localtime(link.expires_at).time() == datetime.time(15, 30)  # Sunday, clinic time
        for minute in (30, 40, 50):
            run_at(sunday, minute)
    assert SelfReportLink.objects.filter(client=client).count() == 2


def test_a_link_that_expired_unanswered_is_followed_by_another_up_to_three(teen_with_email):
    day = datetime.timedelta(days=1, hours=1)  # the daily run, after the 24-hour link has expired
    now = timezone.now()
    for n in range(5):
        producers.send_check_in_links(now=now + n * day, base_url=BASE_URL)
    assert len(link_messages()) == producers.CHECK_IN_LINKS_PER_DUE_DATE == 3
    assert SelfReportLink.objects.filter(client=teen_with_email.client_a).count() == 3
    # Still due afterwards: the caseload shows it overdue; nothing more is sent for this due date.
    assert producers.send_check_in_links(now=now + 6 * day, base_url=BASE_URL) == []
