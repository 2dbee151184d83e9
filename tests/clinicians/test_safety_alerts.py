"""Safety alerts: raised with the answers, once, whatever the broker's state;
escalated when nobody acknowledges them; closed only by a risk assessment."""

import datetime
import logging

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clinicians.instruments import PHQ9, PHQA
from clinicians.models import Administration, Answer, RiskAssessment, SafetyAlert
from clinicians.models.alerts import ALERT_MESSAGE_BODY, ESCALATION_BODY
from clinicians.tasks import escalate_safety_alerts
from iop.delivery import deliver
from iop.models import OutboxMessage, Program
from tests.factories import AdministrationFactory, ClinicianFactory

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:6390/0"  # nothing listens here


def phq9_with_item_9(value):
    return {item.key: 1 for item in PHQ9.items[:8]} | {"phq9_9": value}


@pytest.fixture
def on_call(clinic):
    program = Program.current()
    program.on_call_clinician = ClinicianFactory(email="oncall@example.test")
    program.director = ClinicianFactory(email="director@example.test")
    program.save()
    return program


@pytest.fixture
def broker_stopped(settings):
    """Point Celery at a Redis port nothing listens on."""
    from iop.celery import app

    previous = app.conf.broker_url
    settings.CELERY_BROKER_URL = DEAD_BROKER
    app.conf.broker_url = DEAD_BROKER
    app._pool = None
    app.amqp._producer_pool = None
    yield DEAD_BROKER
    app.conf.broker_url = previous
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.parametrize("value", [1, 2, 3])
def test_item_9_above_zero_raises_one_alert_owned_by_the_lead_clinician(clinic, on_call, value):
    administration = AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(value))
    alert = SafetyAlert.objects.get()
    assert alert.administration == administration
    assert alert.owner == clinic.client_a.lead_clinician == clinic.clinician_1
    assert alert.status == SafetyAlert.Status.OPEN
    assert "Item 9" in alert.reasons


def test_item_9_at_zero_raises_no_alert(clinic, on_call):
    AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(0))
    assert not SafetyAlert.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("question", ["phqa_suicidal_thoughts_past_month", "phqa_suicide_attempt_ever"])
def test_yes_to_a_phqa_suicide_question_raises_an_alert(clinic, on_call, question):
    answers = {item.key: 0 for item in PHQA.items} | {question: True}
    AdministrationFactory(client=clinic.client_a, instrument="phqa", answers=answers)
    assert SafetyAlert.objects.count() == 1


def test_alert_raised_even_when_too_many_items_are_blank_for_a_total(clinic, on_call):
    administration = AdministrationFactory(client=clinic.client_a, answers={"phq9_9": 1})
    assert administration.total is None
    assert SafetyAlert.objects.filter(administration=administration).exists()


def test_resaving_an_administration_never_duplicates_its_alert_or_messages(clinic, on_call):
    administration = AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(2))
    messages_before = OutboxMessage.objects.count()
    for _ in range(3):
        Administration.objects.get(pk=administration.pk).save()
    assert SafetyAlert.objects.count() == 1
    assert OutboxMessage.objects.count() == messages_before == 2


def test_database_allows_one_alert_per_administration(clinic, on_call):
    administration = AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        SafetyAlert.objects.create(administration=administration, client=clinic.client_a, reasons="again")


def test_alert_and_messages_are_written_in_the_transaction_of_the_answers(clinic, on_call):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(1))
        # Before commit, inside the same transaction, everything is already there...
        assert Answer.objects.count() == 9
        assert SafetyAlert.objects.count() == 1
        assert OutboxMessage.objects.filter(kind="safety_alert").count() == 2
        raise Abort
    # ...and it all goes together: no alert without answers, no answers without alert.
    assert not Administration.objects.exists()
    assert not SafetyAlert.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_owner_and_on_call_get_an_urgent_message_that_says_only_open_the_app(clinic, on_call):
    AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(3))
    messages = OutboxMessage.objects.filter(kind="safety_alert")
    assert {m.recipient for m in messages} == {clinic.clinician_1, on_call.on_call_clinician}
    for message in messages:
        assert message.urgent
        assert message.body == ALERT_MESSAGE_BODY
        text = f"{message.subject} {message.body}".lower()
        assert "open the app" in text
        assert "suicid" not in text
        assert clinic.client_a.legal_last_name.lower() not in text
        assert clinic.client_a.first_name.lower() not in text


def test_an_alert_goes_to_the_director_when_the_leads_and_on_call_have_left(clinic, on_call, caplog):
    from iop.models import Client, User

    User.objects.filter(pk__in=[clinic.clinician_1.pk, on_call.on_call_clinician_id]).update(is_active=False)
    client = Client.objects.get(pk=clinic.client_a.pk)  # its lead read afresh
    AdministrationFactory(client=client, answers=phq9_with_item_9(3))
    alert = SafetyAlert.objects.get()
    assert alert.owner == on_call.director
    sent_to = {m.recipient for m in OutboxMessage.objects.filter(kind="safety_alert")}
    assert on_call.director in sent_to

    # Nobody left at all: no owner named, and the error says what to set.
    User.objects.filter(pk=on_call.director_id).update(is_active=False)
    AdministrationFactory(client=Client.objects.get(pk=client.pk), answers=phq9_with_item_9(3))
    assert SafetyAlert.objects.latest("pk").owner is None
    assert "no active clinician to own it" in caplog.text


def test_with_the_broker_stopped_the_kiosk_submission_still_saves_the_alert_and_its_messages(
    clinic, on_call, client, broker_stopped, django_capture_on_commit_callbacks, caplog
):
    from clinicians.models import SelfReportLink

    _link, token = SelfReportLink.issue(
        client=clinic.client_a, instrument="phqa", created_by=clinic.clinician_1, mode="kiosk"
    )
    answers = {item.key: "1" for item in PHQA.items} | {q.key: "no" for q in PHQA.yes_no_questions}
    assert django_settings.CELERY_BROKER_URL == DEAD_BROKER
    with caplog.at_level(logging.WARNING, logger="iop.outbox"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("clinicians:self_report", args=[token]), answers)
    assert response.status_code == 302
    assert response.url == reverse("clinicians:self_report_thanks") + "?on=tablet"
    alert = SafetyAlert.objects.get()
    pending = OutboxMessage.objects.filter(kind="safety_alert", status=OutboxMessage.Status.PENDING)
    assert pending.count() == 2
    assert "Broker unavailable" in caplog.text  # the enqueue really failed
    # When the broker is back the messages go out, once each.
    for message in pending:
        assert deliver(message.pk).status == "sent"
        assert deliver(message.pk).status == "nothing to do"
    assert len(mail.outbox) == 2
    assert alert.status == SafetyAlert.Status.OPEN


def test_unacknowledged_alert_escalates_to_on_call_and_director_after_the_program_minutes(clinic, on_call):
    AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(1))
    alert = SafetyAlert.objects.get()
    minutes = on_call.alert_escalation_minutes
    assert SafetyAlert.objects.escalate_overdue(now=alert.created_at + datetime.timedelta(minutes=minutes - 1)) == []
    assert SafetyAlert.objects.escalate_overdue(now=alert.created_at + datetime.timedelta(minutes=minutes)) == [alert]
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.ESCALATED
    assert alert.escalated_at is not None
    escalations = OutboxMessage.objects.filter(kind="safety_alert_escalated")
    assert {m.recipient for m in escalations} == {on_call.on_call_clinician, on_call.director}
    assert all(m.urgent and m.body == ESCALATION_BODY % {"minutes": minutes} for m in escalations)
    assert all("escalated" in m.subject and "Maya" not in m.body for m in escalations)


def test_escalation_task_is_idempotent(clinic, on_call, time_machine):
    AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(1))
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=16))
    assert escalate_safety_alerts() == 1
    assert escalate_safety_alerts() == 0
    assert OutboxMessage.objects.filter(kind="safety_alert_escalated").count() == 2


def test_escalation_follows_the_program_setting(clinic, on_call):
    on_call.alert_escalation_minutes = 5
    on_call.save()
    AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(1))
    alert = SafetyAlert.objects.get()
    assert SafetyAlert.objects.escalate_overdue(now=alert.created_at + datetime.timedelta(minutes=5)) == [alert]


def test_acknowledged_alert_does_not_escalate(clinic, on_call):
    AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(1))
    alert = SafetyAlert.objects.get()
    assert alert.acknowledge(clinic.clinician_1)
    assert SafetyAlert.objects.escalate_overdue(now=alert.created_at + datetime.timedelta(hours=2)) == []
    assert not OutboxMessage.objects.filter(kind="safety_alert_escalated").exists()


def test_escalation_runs_every_minute_from_beat():
    entry = django_settings.CELERY_BEAT_SCHEDULE["escalate-safety-alerts"]
    assert entry["task"] == "clinicians.tasks.escalate_safety_alerts"
    assert entry["schedule"] == 60.0


def test_database_refuses_to_close_an_alert_without_a_risk_assessment(clinic, on_call):
    AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        SafetyAlert.objects.update(status=SafetyAlert.Status.CLOSED, closed_at=timezone.now())


def test_risk_assessment_closes_the_alert_and_acknowledges_it(clinic, on_call):
    AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(2))
    alert = SafetyAlert.objects.get()
    assessment = RiskAssessment(
        cssrs_screen="low",
        disposition="home_with_plan",
        safety_plan="reviewed",
        family_contacted=True,
        notes="Passive thoughts this week, no plan or intent. Mother picked up; plan reviewed with both.",
        assessed_by=clinic.clinician_1,
    )
    alert.close_with(assessment)
    alert.refresh_from_db()
    assert alert.status == SafetyAlert.Status.CLOSED
    assert alert.risk_assessment.client == clinic.client_a
    assert alert.acknowledged_by == clinic.clinician_1
    assert not SafetyAlert.objects.unhandled().exists()


def test_visible_to_the_owner_the_on_call_clinician_and_the_director_once_escalated(clinic, on_call):
    AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(1))
    alerts = SafetyAlert.objects
    assert alerts.visible_to(clinic.clinician_1).count() == 1
    assert alerts.visible_to(on_call.on_call_clinician).count() == 1
    assert alerts.visible_to(on_call.director).count() == 0
    assert alerts.visible_to(clinic.clinician_2).count() == 0
    assert alerts.visible_to(clinic.admin).count() == 0
    assert alerts.visible_to(clinic.family_a).count() == 0
    alerts.escalate_overdue(now=timezone.now() + datetime.timedelta(hours=1))
    assert alerts.visible_to(on_call.director).count() == 1


def _assessment(by, notes):
    return RiskAssessment(
        cssrs_screen="low", disposition="home_with_follow_up", safety_plan="reviewed", notes=notes, assessed_by=by
    )


def test_of_two_clinicians_closing_one_alert_at_once_the_first_assessment_stands(clinic, login, monkeypatch):
    from clinicians.forms import RiskAssessmentForm
    from clinicians.models.alerts import AlreadyClosed

    AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(1))
    alert = SafetyAlert.objects.get()
    stale = SafetyAlert.objects.get(pk=alert.pk)  # read by the second clinician before the first saved
    alert.close_with(_assessment(clinic.clinician_1, "Seen by Jordan; plan reviewed with her mother."))
    with pytest.raises(AlreadyClosed):
        stale.close_with(_assessment(clinic.clinician_1, "Second look."))
    assert RiskAssessment.objects.count() == 1

    # Through the page: the colleague's save lands while this form is being checked.
    AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(1))
    second = SafetyAlert.objects.latest("pk")
    checked = RiskAssessmentForm.is_valid

    def colleague_closes_meanwhile(form):
        SafetyAlert.objects.get(pk=second.pk).close_with(_assessment(clinic.clinician_1, "Closed by the lead."))
        return checked(form)

    monkeypatch.setattr(RiskAssessmentForm, "is_valid", colleague_closes_meanwhile)
    monkeypatch.setattr(RiskAssessmentForm, "signed_since_alert", lambda form: True)
    typed = {"cssrs_screen": "low", "disposition": "home_with_follow_up", "safety_plan": "reviewed"}
    typed["notes"] = "Called her dad at 21:10; he will sit with her tonight."
    response = login(clinic.clinician_1).post(reverse("clinicians:risk_assessment", args=[second.pk]), typed)
    assert response.status_code == 409
    page = response.content.decode()
    assert "A colleague closed this alert a moment ago" in page and "Closed by the lead." in page
    assert "Called her dad at 21:10; he will sit with her tonight." in page  # kept, read-only
    second.refresh_from_db()
    assert second.risk_assessment.notes == "Closed by the lead."


@pytest.mark.django_db(transaction=True)
def test_two_clinicians_closing_one_alert_at_the_same_moment_leave_one_assessment(clinic):
    """Two threads, two database connections, both past the page's check: one closes,
    the other is told it is closed (on SQLite the writes queue as on PostgreSQL)."""
    import threading

    from django.db import connection

    from clinicians.models.alerts import AlreadyClosed

    AdministrationFactory(client=clinic.client_a, answers=phq9_with_item_9(1))
    pk = SafetyAlert.objects.get().pk
    both_read = threading.Barrier(2, timeout=10)
    outcomes = []

    def close(notes):
        try:
            alert = SafetyAlert.objects.get(pk=pk)  # both read it open
            both_read.wait()
            alert.close_with(_assessment(clinic.clinician_1, notes))
            outcomes.append("closed")
        except AlreadyClosed:
            outcomes.append("already closed")
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(f"Assessment {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["already closed", "closed"]
    alert = SafetyAlert.objects.get(pk=pk)
    assert RiskAssessment.objects.count() == 1 and alert.risk_assessment == RiskAssessment.objects.get()


def test_a_questionnaire_that_raised_an_alert_links_to_it(clinic, on_call, login):
    administration = AdministrationFactory(client=clinic.client_a, answers={"phq9_9": 1})
    alert = SafetyAlert.objects.get(administration=administration)
    page = login(clinic.clinician_1).get(reverse("clinicians:administration", args=[administration.pk]))
    html = page.content.decode()
    assert "This questionnaire raised a safety alert on" in html and "(Open)" in html
    assert reverse("clinicians:alert", args=[alert.pk]) in html
    quiet = AdministrationFactory(client=clinic.client_a, answers={"phq9_9": 0})
    page = login(clinic.clinician_1).get(reverse("clinicians:administration", args=[quiet.pk]))
    assert "raised a safety alert" not in page.content.decode()
