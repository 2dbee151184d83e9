"""The safety plan is versioned and printable; the medication list is kept by prescribers."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clinicians.models import Medication, SafetyPlan, SignedRecordLocked, TreatmentPlan
from iop.models import AuditEntry
from tests import factories
from tests.pages import chart_tab

pytestmark = pytest.mark.django_db


def test_first_safety_plan_lists_988(clinic):
    plan, created = SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)
    assert created and "988" in plan.professionals


def test_signed_safety_plan_is_locked_and_a_new_version_copies_it(clinic):
    v1 = factories.SafetyPlanFactory(client=clinic.client_a, reasons_for_living="My dog Pepper.")
    v1.sign(clinic.clinician_1)
    v1.warning_signs = "Changed"
    with pytest.raises(SignedRecordLocked):
        v1.save()
    v2, _ = SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)
    assert v2.version == 2 and v2.reasons_for_living == "My dog Pepper."


def test_safety_plan_edit_saves_and_signs(clinic, login):
    plan, _ = SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)
    data = {name: f"{name} text" for name in SafetyPlan.copied_fields}
    response = login(clinic.clinician_1).post(
        reverse("clinicians:safety_plan_edit", args=[plan.pk]), {**data, "sign": ""}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.is_signed and plan.warning_signs == "warning_signs text"


def test_a_safety_plan_draft_is_kept_with_steps_still_empty(clinic, login):
    # Written over a session or two: the first sitting may get no further than step 1.
    plan, _ = SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)
    response = login(clinic.clinician_1).post(
        reverse("clinicians:safety_plan_edit", args=[plan.pk]),
        {"warning_signs": "Staying in my room after school.", "professionals": plan.professionals, "save": ""},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.warning_signs == "Staying in my room after school." and not plan.is_signed
    assert [str(label) for label in plan.missing_before_signing()] == [
        "2. Internal coping strategies",
        "4. People I can ask for help",
        "6. Making the environment safe",
    ]


def test_signing_a_safety_plan_with_empty_steps_saves_the_draft_and_names_each_step(clinic, login):
    plan, _ = SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)
    response = login(clinic.clinician_1).post(
        reverse("clinicians:safety_plan_edit", args=[plan.pk]),
        {"warning_signs": "Staying in my room after school.", "environment": "  ", "sign": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Draft saved, not signed: the steps marked below are still empty." in page
    assert page.count("Needed to sign: write this step with the client.") == 4  # 2, 4, 5 and 6
    assert "Staying in my room after school." in page
    plan.refresh_from_db()
    assert not plan.is_signed and plan.warning_signs == "Staying in my room after school."


def test_a_safety_plan_with_an_empty_step_is_never_signed(clinic):
    plan, _ = SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)
    plan.warning_signs = "Not answering texts."
    plan.save()
    with pytest.raises(ValidationError, match="still empty: 2. Internal coping strategies"):
        plan.sign(clinic.clinician_1)
    plan.refresh_from_db()
    assert not plan.is_signed
    # Nor around the model: the database holds a signed plan to its steps.
    with pytest.raises(IntegrityError), transaction.atomic():
        SafetyPlan.objects.filter(pk=plan.pk).update(signed_at=timezone.now(), signed_by=clinic.clinician_1)


def test_a_colleague_takes_over_a_draft_left_by_someone_off_tonight(clinic, login):
    colleague = factories.ClinicianFactory()
    clinic.client_a.cohort.co_facilitators.add(colleague)
    plan, _ = SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)
    browser = login(colleague)
    refused = browser.get(reverse("clinicians:safety_plan_edit", args=[plan.pk]), follow=True)
    assert refused.redirect_chain[-1][0] == reverse("clinicians:safety_plan", args=[plan.pk])
    page = refused.content.decode()
    assert f"This draft is {clinic.clinician_1}&#x27;s. Take it over to write in it." in page
    assert f"Draft v1 by {clinic.clinician_1}" in page and "Take over the draft" in page
    chart = chart_tab(browser, clinic.client_a, "safety-plan")
    assert reverse("clinicians:safety_plan_take_over", args=[plan.pk]) in chart

    taken = browser.post(reverse("clinicians:safety_plan_take_over", args=[plan.pk]), follow=True)
    assert taken.redirect_chain[-1][0] == reverse("clinicians:safety_plan_edit", args=[plan.pk])
    assert f"You now hold the draft {clinic.clinician_1} started on" in taken.content.decode()
    plan.refresh_from_db()
    assert plan.author == colleague
    entry = AuditEntry.objects.get(event="take_over_safety_plan")
    assert (entry.actor, entry.client_id, entry.additional_data) == (
        colleague,
        clinic.client_a.pk,
        {"previous_author": clinic.clinician_1.pk},
    )
    # The first author now meets the same offer, and a signed plan is nobody's to take.
    assert login(clinic.clinician_1).get(reverse("clinicians:safety_plan_edit", args=[plan.pk])).status_code == 302
    for name in SafetyPlan.needed_to_sign:
        setattr(plan, name, f"{name} with the client")
    plan.save()
    plan.sign(colleague)
    assert (
        login(clinic.clinician_1).post(reverse("clinicians:safety_plan_take_over", args=[plan.pk])).status_code == 404
    )


def test_a_colleague_takes_over_a_treatment_plan_draft_too(clinic, login):
    colleague = factories.ClinicianFactory()
    clinic.client_a.cohort.co_facilitators.add(colleague)
    plan, _ = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    assert "Take over the draft" in chart_tab(login(colleague), clinic.client_a, "plan")
    response = login(colleague).post(reverse("clinicians:plan_take_over", args=[plan.pk]))
    assert response.url == reverse("clinicians:plan_edit", args=[plan.pk])
    plan.refresh_from_db()
    assert plan.author == colleague
    assert AuditEntry.objects.filter(event="take_over_plan", actor=colleague).count() == 1


def test_the_author_discards_a_draft_started_by_mistake_and_the_signed_plan_stays(clinic, login):
    signed = factories.SafetyPlanFactory(client=clinic.client_a, author=clinic.clinician_1)
    signed.sign(clinic.clinician_1)
    draft, _ = SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)
    url = reverse("clinicians:safety_plan_discard", args=[draft.pk])
    editor = login(clinic.clinician_1).get(reverse("clinicians:safety_plan_edit", args=[draft.pk])).content.decode()
    assert url in editor and "data-confirm" in editor
    colleague = factories.ClinicianFactory()
    clinic.client_a.cohort.co_facilitators.add(colleague)
    assert login(colleague).post(url).status_code == 403  # someone else's draft: take it over first
    response = login(clinic.clinician_1).post(url, follow=True)
    tab = reverse("clinicians:chart_section", args=[clinic.client_a.pk, "safety-plan"])
    assert response.redirect_chain[-1][0] == tab
    assert "Draft v2 discarded." in response.content.decode()
    assert list(SafetyPlan.objects.filter(client=clinic.client_a)) == [signed]
    entry = AuditEntry.objects.get(event="discard_safety_plan")
    assert (entry.client_id, entry.additional_data) == (clinic.client_a.pk, {"version": 2})
    # A signed version is no draft to discard.
    assert (
        login(clinic.clinician_1).post(reverse("clinicians:safety_plan_discard", args=[signed.pk])).status_code == 404
    )


def test_a_discarded_treatment_plan_draft_goes_with_its_rows(clinic, login):
    draft, _ = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    factories.ObjectiveFactory(plan=draft)
    response = login(clinic.clinician_1).post(reverse("clinicians:plan_discard", args=[draft.pk]))
    assert response.url == reverse("clinicians:chart_section", args=[clinic.client_a.pk, "plan"])
    assert not TreatmentPlan.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(event="discard_plan", client_id=clinic.client_a.pk).count() == 1


def test_printable_safety_plan_has_every_step_and_a_print_stylesheet(clinic, login):
    plan = factories.SafetyPlanFactory(client=clinic.client_a, reasons_for_living="Seeing the ocean.")
    plan.sign(clinic.clinician_1)
    page = login(clinic.clinician_1).get(reverse("clinicians:safety_plan_print", args=[plan.pk])).content.decode()
    for label, _text in plan.steps():
        assert str(label) in page
    assert "Seeing the ocean." in page and "988" in page
    assert "css/print.css" in page and "<script>" not in page
    assert "img/favicon.svg" in page  # no request for a missing /favicon.ico


def test_editing_a_signed_safety_plan_leads_back_to_it_with_a_reason(clinic, login):
    plan = factories.SafetyPlanFactory(client=clinic.client_a)
    plan.sign(clinic.clinician_1)
    response = login(clinic.clinician_1).get(reverse("clinicians:safety_plan_edit", args=[plan.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("clinicians:safety_plan", args=[plan.pk])
    assert "This safety plan is signed and locked. Start a revision to change it." in response.content.decode()


def test_prescriber_adds_and_stops_a_medication(clinic, login):
    prescriber = factories.PrescriberFactory()
    clinic.client_a.cohort.co_facilitators.add(prescriber)
    client = login(prescriber)
    response = client.post(
        reverse("clinicians:medication_new", args=[clinic.client_a.pk]),
        {"name": "Fluoxetine", "dose": "10 mg daily", "prescriber": prescriber.pk, "started_on": "2026-01-05"},
    )
    medications = reverse("clinicians:chart_section", args=[clinic.client_a.pk, "medications"])
    assert response.status_code == 302 and response.url == medications
    medication = Medication.objects.get()
    response = client.post(
        reverse("clinicians:medication_stop", args=[medication.pk]), {"stopped_on": "2026-01-04", "stop_reason": "x"}
    )
    assert response.status_code == 400  # stopping before starting is refused
    assert "It started on Mon 5 Jan 2026: the stop is that day or later." in response.content.decode()
    response = client.post(reverse("clinicians:medication_stop", args=[medication.pk]), {"stopped_on": "2026-02-01"})
    assert response.url == medications
    medication.refresh_from_db()
    assert str(medication.stopped_on) == "2026-02-01"
    assert "Fluoxetine" in chart_tab(login(clinic.clinician_1), clinic.client_a, "medications")


def test_a_stop_is_recorded_once_it_has_happened_and_only_once(clinic, login):
    prescriber = factories.PrescriberFactory()
    clinic.client_a.cohort.co_facilitators.add(prescriber)
    medication = factories.MedicationFactory(client=clinic.client_a, prescriber=prescriber)
    url = reverse("clinicians:medication_stop", args=[medication.pk])
    browser = login(prescriber)
    today = timezone.localdate()
    assert f'value="{today.isoformat()}"' in browser.get(url).content.decode()  # today, offered
    ahead = browser.post(url, {"stopped_on": str(today + timezone.timedelta(days=30)), "stop_reason": "Taper"})
    assert ahead.status_code == 400
    assert "Record the stop once it has happened: today or earlier." in ahead.content.decode()
    assert 'value="Taper"' in ahead.content.decode()
    medication.refresh_from_db()
    assert medication.stopped_on is None
    assert browser.post(url, {"stopped_on": str(today)}).status_code == 302
    again = browser.get(url, follow=True)
    assert "This medication is already recorded as stopped." in again.content.decode()


def test_a_medication_is_not_recorded_ahead_of_its_start(clinic, login):
    import datetime

    from django.utils import timezone

    nurse = factories.ClinicianFactory(credential="NP")
    clinic.client_a.cohort.co_facilitators.add(nurse)
    later = timezone.localdate() + datetime.timedelta(days=30)
    data = {"name": "Sertraline", "dose": "25 mg", "prescriber": nurse.pk, "started_on": f"{later:%Y-%m-%d}"}
    page = login(nurse).post(reverse("clinicians:medication_new", args=[clinic.client_a.pk]), data).content.decode()
    assert "Record a medication once it has started" in page and 'value="25 mg"' in page
    assert not Medication.objects.exists()
