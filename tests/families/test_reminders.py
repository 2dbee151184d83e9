"""The daily family reminders: tonight's group (afternoon of the day), the family
group and family appointments (the day before). Who gets what, nobody who must
not be contacted, no names, no health words, and a second run sends nothing."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from django.utils.formats import date_format

from families import appointments, contact
from families import reminders as producers
from groups import enrollment
from iop import delivery, reminders
from iop.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db

DAY = timezone.localdate() + datetime.timedelta(days=7)  # a day ahead, so nothing has happened yet


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def evening(clinic):
    """Both clients enrolled; both cohorts meet on DAY, cohort 1's evening with a family group."""
    clinic.sessions = {}
    for client in (clinic.client_a, clinic.client_b):
        factories.EnrollmentFactory(client=client)
        clinic.sessions[client.pk] = factories.SessionFactory(cohort=client.cohort, day=DAY)
    session = clinic.sessions[clinic.client_a.pk]
    session.family_group_starts_at = at(DAY, 19, 30)
    session.family_group_ends_at = at(DAY, 20, 30)
    session.save()
    return clinic


def messages(kind):
    return list(OutboxMessage.objects.filter(kind=kind).select_related("recipient").order_by("recipient__pk"))


def assert_discreet(clinic, outbox):
    for message in outbox:
        text = message.subject + " " + message.body
        assert not reminders.health_words_in(text), text
        for client in (clinic.client_a, clinic.client_b):
            assert client.legal_first_name not in text and client.legal_last_name not in text


def test_group_tonight_goes_to_each_expected_family_once(evening):
    producers.group_tonight(now=at(DAY, 14))
    producers.group_tonight(now=at(DAY, 14, 5))  # beat ran twice: nothing more

    outbox = messages(reminders.GROUP_TONIGHT)
    assert [(m.recipient, m.body) for m in outbox] == [
        (evening.family_a, "Teens group tonight 17:30-20:30 at The clinic."),
        (evening.family_b, "Tweens group tonight 17:30-20:30 at The clinic."),
    ]
    assert_discreet(evening, outbox)


def test_group_tonight_skips_cancelled_and_started_evenings_and_other_days(evening):
    cancelled = evening.sessions[evening.client_b.pk]
    cancelled.status, cancelled.cancel_reason = "cancelled", "Snow"
    cancelled.save()

    assert producers.group_tonight(now=at(DAY - datetime.timedelta(days=1), 14)) == []
    assert producers.group_tonight(now=at(DAY, 18)) == []  # group already started
    assert [m.recipient for m in producers.group_tonight(now=at(DAY, 14))] == [evening.family_a]


def test_group_tonight_skips_discharged_clients_families(evening):
    enrollment.discharge(evening.client_b, DAY - datetime.timedelta(days=1), by=evening.admin)

    assert [m.recipient for m in producers.group_tonight(now=at(DAY, 14))] == [evening.family_a]


def test_nobody_marked_do_not_contact_or_opted_out_is_written_to(evening):
    contact.stop_contact(evening.family_a, reason="Contact at home may be unsafe.", by=evening.clinician_1)
    evening.family_b.reminders_opt_out = True
    evening.family_b.save()

    assert producers.group_tonight(now=at(DAY, 14)) == []
    assert producers.family_group_tomorrow(now=at(DAY - datetime.timedelta(days=1), 15)) == []
    assert not OutboxMessage.objects.exists()


def test_family_group_reminder_goes_out_the_day_before_once(evening):
    day_before = at(DAY - datetime.timedelta(days=1), 15)
    producers.family_group_tomorrow(now=day_before)
    producers.family_group_tomorrow(now=day_before)

    (message,) = messages(reminders.FAMILY_GROUP_TOMORROW)
    assert message.recipient == evening.family_a  # only cohort 1 has a family group that evening
    assert message.body == f"Family group {date_format(DAY, 'D j M')} 19:30-20:30 at The clinic."
    assert producers.family_group_tomorrow(now=at(DAY, 15)) == []
    assert_discreet(evening, [message])


def test_family_appointment_reminder_goes_to_the_invited_the_day_before_once(evening):
    father = factories.FamilyLinkFactory(client=evening.client_a, relationship="father").family_member
    mother = evening.client_a.family_links.get(family_member=evening.family_a)
    factories.FamilyAppointmentFactory(client=evening.client_a, day=DAY, invited=[mother])
    cancelled = factories.FamilyAppointmentFactory(client=evening.client_b, day=DAY)
    appointments.cancel(cancelled, reason="Clinician unwell", by=evening.clinician_2)
    OutboxMessage.objects.all().delete()  # the cancellation notice is not what this test is about

    day_before = at(DAY - datetime.timedelta(days=1), 15)
    producers.family_appointments_tomorrow(now=day_before)
    producers.family_appointments_tomorrow(now=day_before)

    (message,) = messages(reminders.FAMILY_SESSION)
    assert message.recipient == evening.family_a and message.recipient != father
    assert message.body == f"Family appointment on {date_format(DAY, 'D j M')} at 16:00, The clinic."
    assert_discreet(evening, [message])


def test_reminders_are_in_the_family_members_language(evening):
    evening.family_a.language = "es"
    evening.family_a.save()

    (message,) = [m for m in producers.group_tonight(now=at(DAY, 14)) if m.recipient == evening.family_a]

    assert message.body == "Grupo Teens esta noche de 17:30 a 20:30 en The clinic." and message.language == "es"


# --- The delivery path applies its own rules to what the producers queue -------------


def test_opting_out_after_the_reminder_was_queued_still_sends_nothing(evening):
    (message,) = [m for m in producers.group_tonight(now=at(DAY, 14)) if m.recipient == evening.family_a]
    evening.family_a.reminders_opt_out = True
    evening.family_a.save()

    assert delivery.deliver(message.pk).status == "skipped"
    message.refresh_from_db()
    assert message.status == "skipped" and message.skipped_reason == "Opted out of reminders"


def test_texts_only_with_consent_and_quiet_hours_hold_the_day_before_reminder(evening, mailoutbox):
    evening.family_a.phone = "+15550100001"  # a number, but no consent to texts: email it is
    evening.family_a.save()
    late = at(DAY - datetime.timedelta(days=1), 22)
    with time_machine.travel(late, tick=False):
        (message,) = producers.family_group_tomorrow(now=late)
        assert message.channel == "email"
        assert delivery.deliver(message.pk).status == "held for quiet hours"
    message.refresh_from_db()
    assert message.status == "pending" and message.due_at == at(DAY, 8)
    with time_machine.travel(at(DAY, 8, 1), tick=False):
        assert delivery.deliver(message.pk).status == "sent"
    assert [m.to for m in mailoutbox] == [[evening.family_a.email]]


def test_a_reminder_that_would_arrive_after_its_evening_began_is_not_sent(evening, mailoutbox):
    from iop.models import Program

    with time_machine.travel(at(DAY, 14), tick=False):
        tonight = messages(reminders.GROUP_TONIGHT) or producers.group_tonight(now=at(DAY, 14))
    message = next(m for m in tonight if m.recipient == evening.family_a)
    assert message.stale_after == evening.sessions[evening.client_a.pk].starts_at
    # The worker was down all afternoon: at 17:31 "group tonight" is no longer news.
    with time_machine.travel(at(DAY, 17, 31), tick=False):
        assert delivery.deliver(message.pk).status == "skipped"
    message.refresh_from_db()
    assert message.status == "skipped" and message.skipped_reason == delivery.TOO_LATE
    assert mailoutbox == []

    # Quiet hours that would hold it past the start skip it too, rather than send it late.
    program = Program.current()
    program.quiet_hours_start, program.quiet_hours_end = datetime.time(13), datetime.time(18)
    program.save()
    other = next(m for m in tonight if m.recipient == evening.family_b)
    with time_machine.travel(at(DAY, 14, 1), tick=False):
        assert delivery.deliver(other.pk).status == "skipped"
    assert mailoutbox == []
