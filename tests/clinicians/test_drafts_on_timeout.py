"""A draft being written when the staff idle time-out comes is saved by the page's
script before it signs out (static/js/app.js): the draft views answer that save
with the page to go on writing it, and record no view of a page nobody saw."""

import pytest
from django.urls import reverse

from clinicians.models import Note, SafetyPlan, TreatmentPlan
from iop.models import AuditEntry
from tests import factories
from tests.clinicians.test_signing import check_in
from tests.clinicians.test_treatment_plans import plan_post_data

pytestmark = pytest.mark.django_db

SAVED_ON_TIMEOUT = {"headers": {"X-Draft-Save": "1"}}


def test_a_safety_plan_saved_on_time_out_resumes_at_its_editor(clinic, login):
    plan, _ = SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)
    url = reverse("clinicians:safety_plan_edit", args=[plan.pk])
    data = {"warning_signs": "Going quiet at dinner.", "professionals": plan.professionals, "save": ""}
    response = login(clinic.clinician_1).post(url, data, **SAVED_ON_TIMEOUT)
    assert response.status_code == 204
    assert response["X-Draft-Location"] == url
    plan.refresh_from_db()
    assert plan.warning_signs == "Going quiet at dinner." and not plan.is_signed


def test_a_new_note_saved_on_time_out_resumes_at_its_editor_and_no_view_is_recorded(clinic, login):
    response = login(clinic.clinician_1).post(
        reverse("clinicians:note_new", args=[clinic.client_a.pk, "individual_checkin"]),
        check_in(content="Half of what we said", plan="", save=""),
        **SAVED_ON_TIMEOUT,
    )
    note = Note.objects.get()
    assert response.status_code == 204
    assert response["X-Draft-Location"] == reverse("clinicians:note_edit", args=[note.pk])
    assert note.content == "Half of what we said" and not note.is_signed
    events = set(AuditEntry.objects.filter(actor=clinic.clinician_1).values_list("event", flat=True))
    assert "write_note" in events and "view_note" not in events


def test_a_note_draft_edited_and_saved_on_time_out(clinic, login):
    note = factories.NoteFactory(client=clinic.client_a, author=clinic.clinician_1, content="First words")
    url = reverse("clinicians:note_edit", args=[note.pk])
    response = login(clinic.clinician_1).post(
        url,
        check_in(content="More words", save=""),
        **SAVED_ON_TIMEOUT,
    )
    assert response.status_code == 204 and response["X-Draft-Location"] == url
    note.refresh_from_db()
    assert note.content == "More words"


def test_a_treatment_plan_saved_on_time_out_and_one_that_needs_attention(clinic, login):
    plan, _ = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    url = reverse("clinicians:plan_edit", args=[plan.pk])
    browser = login(clinic.clinician_1)
    response = browser.post(
        url, plan_post_data(plan, goal="Back to school.", problems=["depression"], save=""), **SAVED_ON_TIMEOUT
    )
    assert response.status_code == 204 and response["X-Draft-Location"] == url
    plan.refresh_from_db()
    assert plan.goal == "Back to school."
    # An entry that needs attention saves nothing: no "saved" answer, the script says so.
    bad = plan_post_data(
        plan,
        goal="Changed",
        problems=["depression"],
        **{"objectives-TOTAL_FORMS": 1, "objectives-0-target_date": "soon"},
    )
    response = browser.post(url, {**bad, "save": ""}, **SAVED_ON_TIMEOUT)
    assert response.status_code == 200 and "X-Draft-Location" not in response
    plan.refresh_from_db()
    assert plan.goal == "Back to school."


def test_without_the_time_out_a_saved_draft_still_goes_to_its_page(clinic, login):
    plan, _ = SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)
    url = reverse("clinicians:safety_plan_edit", args=[plan.pk])
    response = login(clinic.clinician_1).post(url, {"professionals": plan.professionals, "save": ""})
    assert response.status_code == 302 and response["Location"] == url


def test_the_sign_in_page_says_why_and_whether_the_draft_was_kept(client):
    login_url = reverse("account_login")
    page = client.get(login_url, {"signed_out": "idle", "draft": "saved"}).content.decode()
    assert "signed out after a spell without activity" in page
    assert "The draft you were writing was saved" in page
    page = client.get(login_url, {"signed_out": "idle", "draft": "unsaved"}).content.decode()
    assert "could not be saved as a draft" in page and "alert-warning" in page
    assert "without activity" not in client.get(login_url).content.decode()


def test_signing_out_says_so_unless_the_time_out_did_it(clinic, login):
    browser = login(clinic.clinician_1)
    page = browser.post(reverse("account_logout"), follow=True).content.decode()
    assert "You have signed out." in page
    browser = login(clinic.clinician_1)
    browser.post(reverse("account_logout"), headers={"X-Idle-Sign-Out": "1"})
    page = browser.get(reverse("account_login"), {"signed_out": "idle", "draft": "saved"}).content.decode()
    assert "You have signed out." not in page and "The draft you were writing was saved" in page
