"""Days and times a clinician types are checked against what they record: nothing
clinical is dated ahead of today, a plan's acknowledgements and reviews come after
it was signed, and a client is not discharged ahead of time or past an open
safety alert. Each refusal keeps what was typed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinicians.models import Discharge, Note, PlanAcknowledgement, PlanReview, TreatmentPlan
from iop.models import Client
from tests import factories
from tests.clinicians.test_discharge import discharge_data
from tests.clinicians.test_treatment_plans import plan_post_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def test_a_discharge_is_not_recorded_ahead_of_its_day(clinic, login):
    url = reverse("clinicians:discharge", args=[clinic.client_a.pk])
    page = login(clinic.clinician_1).post(url, discharge_data(days(20), days(22))).content.decode()
    assert "A discharge is recorded on its day or later, not ahead of it." in page
    assert "Harborview Counseling" in page
    clinic.client_a.refresh_from_db()
    assert clinic.client_a.status == Client.Status.ADMITTED and not Discharge.objects.exists()


def test_a_client_is_not_discharged_past_an_open_safety_alert(clinic, login):
    factories.AdministrationFactory(client=clinic.client_a)  # item 9 answered 1: an alert
    url = reverse("clinicians:discharge", args=[clinic.client_a.pk])
    page = login(clinic.clinician_1).post(url, discharge_data(TODAY, days(2))).content.decode()
    assert "has a safety alert still open" in page and "close the alert before the discharge" in page
    assert "Weekly outpatient therapy" in page
    assert not Discharge.objects.exists()


def test_the_discharge_page_says_what_waits_before_anything_is_typed(clinic, login):
    from clinicians.models import SafetyAlert

    url = reverse("clinicians:discharge", args=[clinic.client_a.pk])
    browser = login(clinic.clinician_1)
    assert "Before this discharge" not in browser.get(url).content.decode()

    factories.AdministrationFactory(client=clinic.client_a)  # item 9 answered 1: an alert
    alert = SafetyAlert.objects.get(client=clinic.client_a)
    page = browser.get(url).content.decode()
    assert "Before this discharge" in page and "has a safety alert still open" in page
    assert f'href="{reverse("clinicians:alert", args=[alert.pk])}"' in page
    # The sent form says it among its errors, once.
    page = browser.post(url, discharge_data(TODAY, days(2))).content.decode()
    assert "Before this discharge" not in page and page.count("has a safety alert still open") == 1


def test_a_client_is_not_discharged_while_owed_a_safety_plan(clinic, login):
    from clinicians.models import RiskAssessment, SafetyAlert, SafetyPlan

    factories.AdministrationFactory(client=clinic.client_a)  # item 9 answered 1: an alert
    alert = SafetyAlert.objects.get(client=clinic.client_a)
    alert.close_with(
        RiskAssessment(
            cssrs_screen="low",
            disposition="home_with_plan",
            safety_plan="created",
            notes="Seen by the on-call clinician; the team writes the plan with her.",
            assessed_by=clinic.clinician_2,
        )
    )
    url = reverse("clinicians:discharge", args=[clinic.client_a.pk])
    browser = login(clinic.clinician_1)
    page = browser.get(url).content.decode()
    assert "is owed a safety plan since the safety alert of" in page and "still open" not in page
    assert f'href="{reverse("clinicians:chart_section", args=[clinic.client_a.pk, "safety-plan"])}"' in page
    page = browser.post(url, discharge_data(TODAY, days(2))).content.decode()
    assert "is owed a safety plan since the safety alert of" in page and "Weekly outpatient therapy" in page
    assert not Discharge.objects.exists()

    plan, _ = SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)
    SafetyPlan.objects.filter(pk=plan.pk).update(
        warning_signs="w", internal_coping="c", people_to_ask="p", environment="e"
    )
    plan.refresh_from_db()
    plan.sign(clinic.clinician_1)
    assert "Before this discharge" not in browser.get(url).content.decode()
    assert browser.post(url, discharge_data(TODAY, days(2))).status_code == 302
    assert Discharge.objects.exists()


def test_other_reason_needs_its_detail(clinic, login):
    url = reverse("clinicians:discharge", args=[clinic.client_a.pk])
    data = discharge_data(TODAY, days(2), reason="other", reason_detail=" ")
    assert "Say what the other reason is." in login(clinic.clinician_1).post(url, data).content.decode()
    assert not Discharge.objects.exists()


def note_data(occurred_at, **changes):
    data = {"occurred_at": f"{occurred_at:%Y-%m-%dT%H:%M}", "duration_minutes": 30, "mode": "in_person"}
    return {**data, "content": "Talked about the week.", "plan": "Keep practising.", **changes}


@pytest.mark.parametrize(
    ("moment", "changes", "message"),
    [
        (timezone.localtime() + datetime.timedelta(days=30), {}, "enter a time that has passed"),
        (timezone.localtime().replace(year=1950), {}, "the client&#x27;s first admission"),
        (timezone.localtime() - datetime.timedelta(hours=2), {"duration_minutes": 0}, "greater than or equal to 1"),
        (timezone.localtime() - datetime.timedelta(hours=2), {"duration_minutes": 100000}, "at most 600 minutes"),
    ],
)
def test_a_note_is_dated_when_it_could_have_happened(clinic, login, moment, changes, message):
    url = reverse("clinicians:note_new", args=[clinic.client_a.pk, "individual_checkin"])
    page = login(clinic.clinician_1).post(url, note_data(moment, **changes)).content.decode()
    assert message in page and "Talked about the week." in page
    assert "is violated" not in page
    assert not Note.objects.exists()


def test_a_note_an_hour_ago_is_saved(clinic, login):
    url = reverse("clinicians:note_new", args=[clinic.client_a.pk, "individual_checkin"])
    response = login(clinic.clinician_1).post(url, note_data(timezone.localtime() - datetime.timedelta(hours=1)))
    assert response.status_code == 302 and Note.objects.count() == 1


@pytest.mark.parametrize(("day", "message"), [(days(30), "today or earlier"), (days(-3), "was signed on")])
def test_a_plan_review_is_dated_between_signing_and_today(clinic, login, day, message):
    plan = factories.signed_plan(clinic.client_a)
    url = reverse("clinicians:plan_review", args=[plan.pk])
    page = login(clinic.clinician_1).post(url, {"reviewed_on": f"{day:%Y-%m-%d}", "summary": "Going well."})
    assert message in page.content.decode() and "Going well." in page.content.decode()
    assert not PlanReview.objects.exists()


def test_a_refused_acknowledgement_comes_back_with_what_was_typed(clinic, login):
    plan = factories.signed_plan(clinic.client_a)
    url = reverse("clinicians:plan_acknowledge", args=[plan.pk])
    browser = login(clinic.clinician_1)
    future = browser.post(url, {"party": "client", "acknowledged_on": f"{days(10):%Y-%m-%d}"})
    assert future.status_code == 400 and "today or earlier" in future.content.decode()
    no_member = browser.post(url, {"party": "family", "acknowledged_on": f"{TODAY:%Y-%m-%d}"})
    page = no_member.content.decode()
    assert no_member.status_code == 400 and "Choose the family member who acknowledged the plan." in page
    assert f'value="{TODAY:%Y-%m-%d}"' in page and 'value="family" selected' in page
    assert not PlanAcknowledgement.objects.exists()


def test_an_objective_target_set_now_lies_ahead_within_a_year(clinic, login):
    plan, _ = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    for day, ok in ((days(-30), False), (days(400), False), (days(45), True)):
        data = plan_post_data(plan, goal="I want to go back to school.", problems=["depression"])
        data.update(
            {
                "objectives-TOTAL_FORMS": 1,
                "objectives-0-text": "At school 4 of 5 days.",
                "objectives-0-measure": "school_attendance",
                "objectives-0-target_date": f"{day:%Y-%m-%d}",
                "objectives-0-how_measured": "School report",
            }
        )
        response = login(clinic.clinician_1).post(reverse("clinicians:plan_edit", args=[plan.pk]), data)
        assert (response.status_code == 302) is ok
        if not ok:
            assert "Set a target from today to" in response.content.decode()
