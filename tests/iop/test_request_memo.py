"""Facts read once per request: the program row and whether any safety alert is
unhandled. A change made during the request is seen by the rest of it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinicians.models import SafetyAlert
from clinicians.models.alerts import any_unhandled
from iop import request_memo
from tests import factories

pytestmark = pytest.mark.django_db

ALERT_ANSWERS = {f"phq9_{n}": 1 for n in range(1, 10)}  # item 9 above 0 raises an alert


@pytest.fixture
def in_a_request():
    # What the request_started and request_finished receivers do (sending the signals
    # themselves would also close the test's database connection).
    request_memo.start()
    yield
    request_memo.end()


def test_a_fact_is_read_once_per_request_and_again_when_forgotten(in_a_request):
    reads = []
    assert request_memo.once("fact", lambda: reads.append(1) or len(reads)) == 1
    assert request_memo.once("fact", lambda: reads.append(1) or len(reads)) == 1
    request_memo.forget("fact")
    assert request_memo.once("fact", lambda: reads.append(1) or len(reads)) == 2


def test_outside_a_request_every_call_reads():
    reads = []
    request_memo.once("fact", lambda: reads.append(1))
    request_memo.once("fact", lambda: reads.append(1))
    assert len(reads) == 2


def test_an_alert_raised_or_removed_during_the_request_is_seen_by_the_rest_of_it(clinic, in_a_request):
    assert any_unhandled() is False
    factories.AdministrationFactory(client=clinic.client_a, answers=ALERT_ANSWERS)
    assert any_unhandled() is True
    SafetyAlert.objects.get(client=clinic.client_a).delete()
    assert any_unhandled() is False


def test_with_no_alert_open_anywhere_chart_and_caseload_ask_about_alerts_once(clinic, login):
    """The layout's banner asks whether any alert is open, once; the caseload shares
    that answer. The chart asks once more, about its own client: a closed alert may
    still owe a safety plan."""
    browser = login(clinic.clinician_1)
    for url, asked in (
        (reverse("clinicians:chart", args=[clinic.client_a.pk]), 2),
        (reverse("clinicians:caseload"), 1),
    ):
        browser.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(url).status_code == 200
        assert len([q for q in captured if 'FROM "clinicians_safetyalert"' in q["sql"]]) == asked, url


def test_an_alert_of_another_cohort_does_not_show_on_this_chart_or_caseload(clinic, login):
    factories.AdministrationFactory(client=clinic.client_b, answers=ALERT_ANSWERS)
    browser = login(clinic.clinician_1)
    chart = browser.get(reverse("clinicians:chart", args=[clinic.client_a.pk])).content.decode()
    assert "Open safety alert" not in chart
    caseload = browser.get(reverse("clinicians:caseload")).content.decode()
    assert reverse("clinicians:alert", args=[SafetyAlert.objects.get().pk]) not in caseload


def test_the_client_s_own_alert_shows_on_chart_and_caseload(clinic, login):
    factories.AdministrationFactory(client=clinic.client_a, answers=ALERT_ANSWERS)
    alert_url = reverse("clinicians:alert", args=[SafetyAlert.objects.get().pk])
    browser = login(clinic.clinician_1)
    assert alert_url in browser.get(reverse("clinicians:chart", args=[clinic.client_a.pk])).content.decode()
    assert alert_url in browser.get(reverse("clinicians:caseload")).content.decode()
