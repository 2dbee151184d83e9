"""One-time links and kiosk sessions: a token that expires, works once, cannot
be altered, and opens only the questionnaire."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clinicians.instruments import PHQA
from clinicians.models import Administration, SafetyAlert, SelfReportLink
from clinicians.models.measures import SELF_REPORT_LINK_LIFETIME, hash_token
from iop.models import AuditEntry, OutboxMessage

pytestmark = pytest.mark.django_db

UNAVAILABLE = "This link can't be used"


def issue(clinic, mode="link", instrument="phqa"):
    return SelfReportLink.issue(client=clinic.client_a, instrument=instrument, created_by=clinic.clinician_1, mode=mode)


def url(token):
    return reverse("clinicians:self_report", args=[token])


def answers(item_9=0):
    """Every question answered (the teen is asked to confirm blanks before they go)."""
    yes_no = {question.key: "no" for question in PHQA.yes_no_questions}
    return {item.key: "1" for item in PHQA.items[:8]} | {"phqa_9": str(item_9)} | yes_no


def test_link_stores_only_a_hash_of_the_token(clinic):
    link, token = issue(clinic)
    assert len(token) >= 40
    assert link.token_hash == hash_token(token) != token
    assert not SelfReportLink.objects.filter(token_hash=token).exists()
    assert link.expires_at - link.created_at == SELF_REPORT_LINK_LIFETIME == datetime.timedelta(hours=24)


def test_questionnaire_page_shows_the_questions_and_nothing_about_anyone(clinic, client):
    _link, token = issue(clinic)
    html = client.get(url(token)).content.decode()
    assert "irritable" in html  # the teen wording of item 1
    for secret in (clinic.client_a.legal_first_name, clinic.client_a.legal_last_name, clinic.client_a.chart_number):
        assert secret not in html
    assert clinic.clinician_1.last_name not in html
    assert "navbar" not in html and "safety-banner" not in html


def test_completed_link_records_the_answers_and_thanks_the_client(clinic, client):
    link, token = issue(clinic)
    response = client.post(url(token), answers())
    assert response.url == reverse("clinicians:self_report_thanks")
    administration = Administration.objects.get()
    assert (administration.client, administration.mode, administration.total, administration.entered_by) == (
        clinic.client_a,
        "link",
        8,
        None,
    )
    link.refresh_from_db()
    assert link.used_at is not None and link.administration == administration
    assert "Thank you" in client.get(response.url).content.decode()
    assert AuditEntry.objects.filter(event="self_report_completed", client_id=clinic.client_a.pk).exists()


def test_reused_link_gets_the_friendly_page(clinic, client):
    _link, token = issue(clinic)
    client.post(url(token), answers())
    for response in (client.get(url(token)), client.post(url(token), answers())):
        assert response.status_code == 404
        assert UNAVAILABLE in response.content.decode()
    assert Administration.objects.count() == 1


def test_expired_link_gets_the_friendly_page(clinic, client, time_machine):
    _link, token = issue(clinic)
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=24, seconds=1))
    response = client.get(url(token))
    assert response.status_code == 404
    assert UNAVAILABLE in response.content.decode()


def test_link_expiring_while_the_page_is_open_saves_nothing(clinic, client, time_machine):
    _link, token = issue(clinic)
    assert client.get(url(token)).status_code == 200
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=25))
    assert client.post(url(token), answers()).status_code == 404
    assert not Administration.objects.exists()


@pytest.mark.parametrize("mode", ["link", "kiosk"])
def test_a_discharge_closes_the_clients_open_links(clinic, client, mode):
    from iop.models import Client

    _link, token = issue(clinic, mode=mode)
    _other, other_token = issue(clinic, mode=mode)
    assert client.get(url(other_token)).status_code == 200  # opened before the discharge
    Client.objects.filter(pk=clinic.client_a.pk).update(
        status=Client.Status.DISCHARGED, discharged_on=timezone.localdate()
    )
    response = client.get(url(token))
    assert response.status_code == 404 and UNAVAILABLE in response.content.decode()
    # A page opened before the discharge and sent after it saves nothing, and raises no alert.
    assert client.post(url(other_token), answers(item_9=2)).status_code == 404
    assert not Administration.objects.exists() and not SafetyAlert.objects.exists()


@pytest.mark.parametrize("change", ["flip_last", "truncate", "append", "other"])
def test_tampered_token_gets_the_same_page_and_reveals_nothing(clinic, client, change):
    _link, token = issue(clinic)
    tampered = {
        "flip_last": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "truncate": token[:-4],
        "append": token + "x",
        "other": "not-a-real-token",
    }[change]
    response = client.get(url(tampered))
    html = response.content.decode()
    assert response.status_code == 404
    assert UNAVAILABLE in html
    assert clinic.client_a.legal_last_name not in html
    assert AuditEntry.objects.filter(event="self_report_refused", outcome="refused").exists()


def test_expired_reused_and_tampered_pages_are_identical(clinic, client, time_machine):
    _used, used_token = issue(clinic)
    client.post(url(used_token), answers())
    _expired, expired_token = issue(clinic)

    def body(token):
        response = client.get(url(token))
        # Per-response values (CSP nonce, masked CSRF token) aside, the pages are byte-identical.
        return response.status_code, re.sub(r'(nonce="[^"]*"|"X-CSRFToken": "[^"]*")', "", response.content.decode())

    bodies = {body(used_token), body("tampered-token")}
    time_machine.move_to(timezone.now() + datetime.timedelta(days=2))
    bodies.add(body(expired_token))
    assert len(bodies) == 1


def test_kiosk_signs_the_clinician_out_and_opens_the_questionnaire(clinic, login):
    browser = login(clinic.clinician_1)
    response = browser.post(reverse("clinicians:start_kiosk", args=[clinic.client_a.pk]), {"instrument": "phqa"})
    link = SelfReportLink.objects.get()
    assert link.mode == "kiosk"
    assert link.expires_at - link.created_at == datetime.timedelta(hours=1)
    assert response.url.startswith("/check-in/")
    assert "_auth_user_id" not in browser.session
    assert browser.get(reverse("clinicians:caseload")).status_code == 302  # back to the login page
    assert browser.get(response.url).status_code == 200


def test_kiosk_answer_with_item_9_raises_the_alert(clinic, client):
    _link, token = issue(clinic, mode="kiosk")
    client.post(url(token), answers(item_9=1))
    alert = SafetyAlert.objects.get()
    assert alert.administration.mode == "kiosk"
    assert alert.owner == clinic.clinician_1


def test_empty_submission_rerenders_without_spending_the_link(clinic, client):
    _link, token = issue(clinic)
    response = client.post(url(token), {})
    assert response.status_code == 200
    assert "Please answer the questions" in response.content.decode()
    assert client.post(url(token), answers()).status_code == 302


def test_sending_a_link_queues_it_to_the_client_and_shows_it_once(clinic, login):
    clinic.client_a.email = "avery@example.test"
    clinic.client_a.save()
    response = login(clinic.clinician_1).post(
        reverse("clinicians:send_self_report_link", args=[clinic.client_a.pk]), {"instrument": "phqa"}
    )
    html = response.content.decode()
    message = OutboxMessage.objects.get(kind="self_report_link")
    assert message.to_address == "avery@example.test"
    link_url = message.body.split(": ", 1)[1]
    assert link_url in html
    assert "no-store" in response["Cache-Control"]
    token = link_url.rstrip("/").rsplit("/", 1)[1]
    assert SelfReportLink.objects.usable(token).exists()
    assert AuditEntry.objects.filter(event="issue_self_report_link").exists()


@pytest.mark.parametrize(
    "value", ["", "x" * 5000, "😀 ünïcode", "<script>alert(1)</script>", "1' OR '1'='1", "3.0", "True"]
)
def test_self_report_form_survives_hostile_values(clinic, client, value):
    _link, token = issue(clinic)
    response = client.post(url(token), answers() | {"phqa_1": value, "phqa_suicide_attempt_ever": value})
    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not SafetyAlert.objects.exists()  # nothing hostile ever reads as a "yes"


def test_blank_questions_come_back_once_to_be_answered_or_sent_as_they_are(clinic, client, login):
    _link, token = issue(clinic)
    partial = {item.key: "1" for item in PHQA.items[:5]}
    response = client.post(url(token), partial)
    page = response.content.decode()
    assert response.status_code == 200 and not Administration.objects.exists()
    assert "You left questions 6, 7, 8, 9 and 3 yes/no questions blank." in page
    assert 'name="send_anyway" value="1"' in page and page.count("checked") == 5  # answers kept
    # Sent again as it is: it goes, with no total (4 items blank) and no alert.
    response = client.post(url(token), partial | {"send_anyway": "1"})
    assert response.status_code == 302
    administration = Administration.objects.get()
    assert administration.total is None and not SafetyAlert.objects.exists()
    # The clinician is told which questions about suicide or self-harm went unanswered.
    page = login(clinic.clinician_1).get(reverse("clinicians:administration", args=[administration.pk]))
    text = page.content.decode()
    assert "Not answered: questions about suicide or self-harm." in text
    assert "9. " in text and text.count("<li>") >= 3  # item 9 and the two suicide yes/no questions


def test_a_complete_questionnaire_goes_at_the_first_press(clinic, client):
    _link, token = issue(clinic)
    assert client.post(url(token), answers()).status_code == 302


def test_a_complete_questionnaire_shows_no_unanswered_risk_questions(clinic, client, login):
    _link, token = issue(clinic)
    client.post(url(token), answers())
    administration = Administration.objects.get()
    page = login(clinic.clinician_1).get(reverse("clinicians:administration", args=[administration.pk]))
    assert "Not answered: questions about suicide" not in page.content.decode()


def test_the_thanks_page_fits_where_the_questionnaire_was_answered(client):
    at_home = client.get(reverse("clinicians:self_report_thanks")).content.decode()
    assert "close this page" in at_home and "tablet" not in at_home and "988" in at_home
    on_tablet = client.get(reverse("clinicians:self_report_thanks") + "?on=tablet").content.decode()
    assert "hand the tablet back" in on_tablet and "tell a staff member" in on_tablet
