"""Treatment plans: versions, signing locks a version, the goal in the
client's own words, the copied-text guardrail, acknowledgements and reviews."""

import datetime
import html

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from clinicians.guardrails import copied_texts
from clinicians.models import (
    Intervention,
    Objective,
    PlanAcknowledgement,
    PlanReview,
    SignedRecordLocked,
    TreatmentPlan,
)
from clinicians.reviews import reviews_overdue
from iop.models import AuditEntry, Program
from tests import factories
from tests.pages import chart_tab

pytestmark = pytest.mark.django_db


def plan_post_data(plan, **overrides):
    """What the edit page posts for ``plan``: the plan, its objectives and interventions as they are."""
    data = {
        "problems": plan.problems,
        "other_problem": plan.other_problem,
        "goal": plan.goal,
        "discharge_criteria": plan.discharge_criteria,
        "discharge_process": plan.discharge_process,
    }
    for prefix, rows, fields in (
        ("objectives", list(plan.objectives.all()), ["text", "measure", "target_date", "how_measured"]),
        ("interventions", list(plan.interventions.all()), ["kind", "description", "frequency", "responsible"]),
    ):
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)})
        data.update({f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            for name in fields:
                data[f"{prefix}-{i}-{name}"] = getattr(row, f"{name}_id", None) or getattr(row, name)
    data.update(overrides)
    return data


def test_first_draft_starts_with_the_core_interventions(clinic):
    plan, created = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    assert created and plan.version == 1
    assert [i.kind for i in plan.interventions.all()] == list(Intervention.CORE)
    assert all(i.frequency for i in plan.interventions.all())
    assert TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1) == (plan, False)


def test_new_version_copies_the_last_signed_one_which_stays_unchanged(clinic):
    v1 = factories.signed_plan(clinic.client_a)
    v2, created = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    assert created and v2.version == 2
    assert v2.goal == v1.goal
    assert [o.text for o in v2.objectives.all()] == [o.text for o in v1.objectives.all()]
    assert v2.interventions.count() == v1.interventions.count()
    objective = v2.objectives.get()
    objective.text = "At school 5 of 5 days."
    objective.save()
    assert v1.objectives.get().text != "At school 5 of 5 days."


def test_signed_plan_and_its_objectives_refuse_edits(clinic):
    plan = factories.signed_plan(clinic.client_a)
    plan.goal = "Something else."
    with pytest.raises(SignedRecordLocked):
        plan.save()
    objective = plan.objectives.get()
    objective.text = "Changed."
    with pytest.raises(SignedRecordLocked):
        objective.save()
    with pytest.raises(SignedRecordLocked):
        Objective.objects.create(
            plan=plan, text="Added later", measure="other", target_date="2030-01-01", how_measured="x"
        )


def test_goal_in_the_clients_own_words_is_required_to_sign(clinic):
    plan = factories.TreatmentPlanFactory(client=clinic.client_a, goal="")
    factories.ObjectiveFactory(plan=plan)
    factories.InterventionFactory(plan=plan)
    assert "a goal in the client's own words" in [str(m) for m in plan.missing_before_signing()]
    with pytest.raises(IntegrityError):
        plan.sign(clinic.clinician_1)


def test_edit_page_keeps_what_was_typed_and_names_the_missing_goal(clinic, login):
    plan, _ = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    data = plan_post_data(plan, goal="", discharge_criteria="Back at school full days.")
    response = login(clinic.clinician_1).post(reverse("clinicians:plan_edit", args=[plan.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Back at school full days." in page
    assert "is-invalid" in page and "nothing was saved" in page


def test_edit_page_saves_plan_objectives_and_interventions(clinic, login):
    plan, _ = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    data = plan_post_data(plan, goal="I want to go back to school.", problems=["depression", "school_refusal"])
    data.update(
        discharge_criteria="At school 4 of 5 days for 3 weeks.", discharge_process="Step down to weekly therapy."
    )
    data.update(
        {
            "objectives-TOTAL_FORMS": 1,
            "objectives-0-text": "At school 4 of 5 days.",
            "objectives-0-measure": "school_attendance",
            "objectives-0-target_date": f"{timezone.localdate() + datetime.timedelta(days=60):%Y-%m-%d}",
            "objectives-0-how_measured": "School report",
        }
    )
    response = login(clinic.clinician_1).post(reverse("clinicians:plan_edit", args=[plan.pk]), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.goal == "I want to go back to school."
    assert plan.objectives.get().text == "At school 4 of 5 days."
    assert not plan.missing_before_signing()


def test_plan_missing_parts_cannot_be_signed(clinic, login):
    plan, _ = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    plan.goal = "I want to sleep better."
    plan.save()
    response = login(clinic.clinician_1).post(reverse("clinicians:plan_sign", args=[plan.pk]))
    assert response.status_code == 400
    assert "measurable objective" in response.content.decode()
    plan.refresh_from_db()
    assert not plan.is_signed


def test_a_revision_is_not_signed_with_targets_that_have_passed(clinic, login):
    v1 = factories.signed_plan(clinic.client_a)
    v1.objectives.update(target_date=timezone.localdate() - datetime.timedelta(days=3))  # as the weeks went by
    v2, _ = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    url = reverse("clinicians:plan_sign", args=[v2.pk])
    browser = login(clinic.clinician_1)

    response = browser.post(url)

    assert response.status_code == 400
    assert "a new target date for 1 objective whose target has passed" in response.content.decode()
    objective = v2.objectives.get()
    assert f"“{objective.text}” ({objective.target_date:%-d %b %Y})" in html.unescape(response.content.decode())
    v2.refresh_from_db()
    assert not v2.is_signed
    v2.objectives.update(target_date=timezone.localdate() + datetime.timedelta(weeks=4))
    assert browser.post(url).status_code == 302


def test_signing_a_plan_locks_it_and_is_audited(clinic, login):
    plan = factories.TreatmentPlanFactory(client=clinic.client_a, goal="I want my weekends back.")
    factories.ObjectiveFactory(plan=plan, text="Goes out with friends on Saturdays, 3 of 4 weekends.")
    factories.InterventionFactory(plan=plan)
    response = login(clinic.clinician_1).post(reverse("clinicians:plan_sign", args=[plan.pk]))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.is_signed and plan.signed_by == clinic.clinician_1
    assert AuditEntry.objects.filter(event="sign_plan", object_pk=str(plan.pk)).exists()
    # The signed version can no longer be edited: its pages lead to the plan instead.
    edit = reverse("clinicians:plan_edit", args=[plan.pk])
    response = login(clinic.clinician_1).post(edit, plan_post_data(plan, goal="Changed"))
    assert response.status_code == 302 and response["Location"] == reverse("clinicians:plan", args=[plan.pk])
    plan.refresh_from_db()
    assert plan.goal == "I want my weekends back."


def test_goal_copied_from_another_clients_plan_is_flagged_before_signing(clinic, login):
    factories.signed_plan(clinic.client_b, goal="I want to go back to school and see my friends.")
    plan = factories.TreatmentPlanFactory(
        client=clinic.client_a, goal="  i want to go back to SCHOOL and see my friends "
    )
    factories.ObjectiveFactory(plan=plan)
    factories.InterventionFactory(plan=plan)
    assert copied_texts(plan) == [plan.goal]
    url = reverse("clinicians:plan_sign", args=[plan.pk])
    page = login(clinic.clinician_1).get(url).content.decode()
    assert "matches another client" in page
    assert clinic.client_b.legal_last_name not in page  # the warning never says whose plan
    response = login(clinic.clinician_1).post(url, {"copied_text_reason": ""})
    assert response.status_code == 400
    plan.refresh_from_db()
    assert not plan.is_signed
    response = login(clinic.clinician_1).post(url, {"copied_text_reason": "These are exactly her words at intake."})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.is_signed and plan.copied_text_reason == "These are exactly her words at intake."


def test_objective_copied_from_another_client_is_flagged(clinic):
    other = factories.signed_plan(clinic.client_b)
    plan = factories.TreatmentPlanFactory(client=clinic.client_a)
    factories.ObjectiveFactory(plan=plan, text=other.objectives.get().text.upper())
    assert copied_texts(plan) == [plan.objectives.get().text]


def test_own_earlier_version_is_not_a_copy(clinic):
    factories.signed_plan(clinic.client_a)
    draft, _ = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    assert copied_texts(draft) == []


def test_review_is_due_on_the_program_cadence_and_flagged_when_overdue(clinic):
    plan = factories.signed_plan(clinic.client_a)
    signed_on = timezone.localdate(plan.signed_at)
    assert plan.review_due_on() == signed_on + datetime.timedelta(days=30)
    assert reviews_overdue(clinic.clinician_1, today=signed_on + datetime.timedelta(days=30)) == []
    overdue = reviews_overdue(clinic.clinician_1, today=signed_on + datetime.timedelta(days=31))
    assert [p for p, _due in overdue] == [plan]
    assert reviews_overdue(clinic.clinician_2, today=signed_on + datetime.timedelta(days=31)) == []
    Program.objects.filter(pk=Program.current().pk).update(plan_review_days=14)
    assert plan.review_due_on() == signed_on + datetime.timedelta(days=14)


def test_overdue_reviews_count_from_the_current_version_and_its_last_review(clinic):
    factories.signed_plan(clinic.client_a)
    current = factories.signed_plan(clinic.client_a, version=2)
    other = factories.signed_plan(clinic.client_b)
    signed_on = timezone.localdate(current.signed_at)
    today = signed_on + datetime.timedelta(days=31)
    # Only each client's current version counts (version 1 is as old, and not listed).
    assert reviews_overdue(clinic.superuser, today=today) == [
        (current, signed_on + datetime.timedelta(days=30)),
        (other, signed_on + datetime.timedelta(days=30)),
    ]
    # The last review moves the due date, even one dated before signing.
    for plan, days in ((current, 10), (current, 2), (other, -20)):
        PlanReview.objects.create(
            plan=plan, reviewed_on=signed_on + datetime.timedelta(days=days), reviewer=clinic.clinician_1, summary="-"
        )
    assert reviews_overdue(clinic.superuser, today=today) == [(other, signed_on + datetime.timedelta(days=10))]
    # Each clinician sees their own clients only; discharged clients are not flagged.
    assert reviews_overdue(clinic.clinician_2, today=today) == [(other, signed_on + datetime.timedelta(days=10))]
    assert reviews_overdue(clinic.clinician_1, today=today) == []
    type(clinic.client_b).objects.filter(pk=clinic.client_b.pk).update(status="discharged")
    assert reviews_overdue(clinic.superuser, today=today) == []


def test_recording_a_review_with_progress_resets_the_due_date(clinic, login):
    plan = factories.signed_plan(clinic.client_a)
    objective = plan.objectives.get()
    reviewed_on = timezone.localdate(plan.signed_at)
    response = login(clinic.clinician_1).post(
        reverse("clinicians:plan_review", args=[plan.pk]),
        {
            "reviewed_on": reviewed_on.isoformat(),
            "summary": "Attending well.",
            f"objective-{objective.pk}-status": "progressing",
            f"objective-{objective.pk}-comment": "3 of 5 days now",
        },
    )
    assert response.status_code == 302
    review = plan.reviews.get()
    assert review.progress.get().status == "progressing"
    assert plan.review_due_on() == reviewed_on + datetime.timedelta(days=30)


def test_overdue_review_shows_on_the_chart_and_home_page(clinic, login):
    plan = factories.signed_plan(clinic.client_a)
    TreatmentPlan.objects.filter(pk=plan.pk)  # signed plans cannot be updated; move the clock instead
    with pytest.MonkeyPatch.context() as mp:
        later = timezone.now() + datetime.timedelta(days=40)
        mp.setattr(timezone, "now", lambda: later)
        chart = chart_tab(login(clinic.clinician_1), clinic.client_a, "plan")
        home = login(clinic.clinician_1).get(reverse("clinician_home")).content.decode()
    assert "Review overdue since" in chart
    assert "review was due" in home


def test_client_and_family_acknowledgements_are_recorded(clinic, login):
    plan = factories.signed_plan(clinic.client_a)
    url = reverse("clinicians:plan_acknowledge", args=[plan.pk])
    client = login(clinic.clinician_1)
    today = f"{timezone.localdate():%Y-%m-%d}"
    client.post(url, {"party": "client", "acknowledged_on": today})
    client.post(url, {"party": "family", "family_member": clinic.family_a.pk, "acknowledged_on": today})
    client.post(url, {"party": "family", "family_member": clinic.family_b.pk, "acknowledged_on": today})
    acks = PlanAcknowledgement.objects.filter(plan=plan)
    assert sorted(acks.values_list("party", "family_member")) == [("client", None), ("family", clinic.family_a.pk)]
    assert all(a.recorded_by == clinic.clinician_1 for a in acks)
    page = client.get(reverse("clinicians:plan", args=[plan.pk])).content.decode()
    assert clinic.family_a.get_full_name() in page


def test_every_version_stays_viewable(clinic, login):
    v1 = factories.signed_plan(clinic.client_a, goal="First words.")
    v2, _ = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    v2.goal = "Second words."
    v2.save()
    v2.sign(clinic.clinician_1)
    client = login(clinic.clinician_1)
    assert "First words." in client.get(reverse("clinicians:plan", args=[v1.pk])).content.decode()
    page = client.get(reverse("clinicians:plan", args=[v2.pk])).content.decode()
    assert "Second words." in page and "Version 1" in page


def test_only_one_draft_per_client(clinic):
    factories.TreatmentPlanFactory(client=clinic.client_a)
    with pytest.raises(IntegrityError):
        factories.TreatmentPlanFactory(client=clinic.client_a, version=2)


def test_add_row_returns_a_blank_objective_for_the_next_index(clinic, login):
    plan, _ = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    url = reverse("clinicians:plan_row", args=[plan.pk, "objectives"])
    response = login(clinic.clinician_1).get(url, {"index": 4}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="objectives-4-text"' in page and "<html" not in page
    assert login(clinic.clinician_1).get(reverse("clinicians:plan_row", args=[plan.pk, "nonsense"])).status_code == 404


def test_each_objectives_progress_fields_are_grouped_under_its_text(clinic, login):
    plan = factories.signed_plan(clinic.client_a)
    objective = plan.objectives.get()
    html = login(clinic.clinician_1).get(reverse("clinicians:plan_review", args=[plan.pk])).content.decode()
    group = html.split(f"{objective.text}</legend>")[1].split("</fieldset>")[0]
    assert f'name="objective-{objective.pk}-status"' in group and f'name="objective-{objective.pk}-comment"' in group


def test_back_to_the_sign_page_after_signing_leads_to_the_signed_plan(clinic, login):
    """Back after signing, or an old link to the draft's pages: the plan with why, not
    a page saying it is not available."""
    plan = factories.signed_plan(clinic.client_a)
    browser = login(clinic.clinician_1)
    for route in ("clinicians:plan_sign", "clinicians:plan_edit"):
        response = browser.get(reverse(route, args=[plan.pk]), follow=True)
        assert response.redirect_chain[-1][0] == reverse("clinicians:plan", args=[plan.pk])
        assert "This plan version is signed and locked" in response.content.decode()
    draft, _ = TreatmentPlan.start_draft(clinic.client_a, clinic.clinician_1)
    colleague = factories.ClinicianFactory()
    clinic.client_a.cohort.co_facilitators.add(colleague)
    response = login(colleague).get(reverse("clinicians:plan_edit", args=[draft.pk]), follow=True)
    assert "Take it over to write in it" in response.content.decode()


def test_a_goal_in_clinical_wording_is_flagged_before_signing_and_signed_only_with_a_reason(clinic, login):
    plan = factories.TreatmentPlanFactory(
        client=clinic.client_a, goal="Client will reduce depressive symptoms as evidenced by PHQ-A < 10."
    )
    factories.ObjectiveFactory(plan=plan)
    factories.InterventionFactory(plan=plan)
    url = reverse("clinicians:plan_sign", args=[plan.pk])
    browser = login(clinic.clinician_1)
    page = browser.get(url).content.decode()
    assert "The goal reads as clinical wording" in page
    assert "“Client will”" in page and "“as evidenced by”" in page and "“Client”" not in page
    response = browser.post(url, {"copied_text_reason": ""})
    assert response.status_code == 400 and "say why these are their words" in response.content.decode()
    plan.refresh_from_db()
    assert not plan.is_signed
    response = browser.post(url, {"copied_text_reason": "She dictated it from her therapist's letter."})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.is_signed and plan.copied_text_reason.startswith("She dictated")
    entry = AuditEntry.objects.get(event="sign_plan", object_pk=str(plan.pk))
    assert "clinical_wording_confirmed" in str(entry.additional_data)


@pytest.mark.parametrize(
    "goal",
    ["I want to go back to school.", "I want to stop hurting myself and feel less sad.", "Me and my mom fight less"],
)
def test_a_goal_in_the_clients_own_words_is_signed_without_a_question(clinic, goal):
    from clinicians.guardrails import clinical_wording

    assert clinical_wording(goal) == []


def test_the_home_flags_read_nothing_clinical_for_anyone_but_a_clinician(clinic, rf):
    """The flags apply the clinical reading rules themselves: a program admin, who sees
    every client but never their charts, is flagged nothing."""
    from clinicians.templatetags.chart_flags import chart_flags

    factories.signed_plan(clinic.client_a)
    later = timezone.now() + datetime.timedelta(days=40)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: later)
        for user, expected in ((clinic.clinician_1, 1), (clinic.admin, 0)):
            request = rf.get("/")
            request.user = user
            flags = chart_flags({"request": request})
            assert len(flags["reviews"]) == expected, user
