"""The measures pages: outcomes shown from baseline, due dates, the entry form,
the alert page, the caseload view and the safety banner on every staff page."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clinicians.instruments import PHQ9
from clinicians.models import Administration, RiskAssessment, SafetyAlert, SafetyPlan
from iop.models import AuditEntry, Program
from tests.factories import AdministrationFactory, ClientFactory, ClinicianFactory, SafetyPlanFactory

pytestmark = pytest.mark.django_db


def phq9_total(total, item_9=0):
    """PHQ-9 answers adding up to ``total`` with item 9 as given."""
    values, rest = [], total - item_9
    for _ in range(8):
        values.append(min(3, rest))
        rest -= values[-1]
    return {item.key: v for item, v in zip(PHQ9.items, [*values, item_9], strict=True)}


def scores(client, totals, *, last_days_ago=1, every_days=7):
    """PHQ-9s on a weekly rhythm ending ``last_days_ago`` days ago."""
    now = timezone.now()
    count = len(totals)
    for i, total in enumerate(totals):
        when = now - datetime.timedelta(days=last_days_ago + every_days * (count - 1 - i))
        AdministrationFactory(client=client, answers=phq9_total(total), administered_at=when)


def page(login, user, name, *args):
    response = login(user).get(reverse(f"clinicians:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def text_of(html, element_id):
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(dd|p|ul|table)>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


# --- Outcomes ------------------------------------------------------------------


def test_measures_page_shows_change_from_baseline_response_and_reliable_improvement(clinic, login):
    client = clinic.client_a
    client.admitted_on = timezone.localdate() - datetime.timedelta(weeks=6)
    client.save()
    scores(client, [20, 16, 12, 8])
    html = page(login, clinic.clinician_1, "client_measures", client.pk)
    assert text_of(html, "change-from-baseline").startswith("-12 points (-60%)")
    flags = text_of(html, "outcome-flags")
    assert "Response" in flags and "No response" not in flags
    assert "Reliable improvement" in flags
    assert "Not in remission" in flags
    assert "8 · Mild" in html


def test_remission_is_a_latest_score_below_5(clinic, login):
    scores(clinic.client_a, [12, 4])
    flags = text_of(page(login, clinic.clinician_1, "client_measures", clinic.client_a.pk), "outcome-flags")
    assert "Remission" in flags and "Not in remission" not in flags


def test_reliable_deterioration_is_a_rise_of_6_points(clinic, login):
    scores(clinic.client_a, [8, 11, 14])
    html = page(login, clinic.clinician_1, "client_measures", clinic.client_a.pk)
    assert "Reliable deterioration" in text_of(html, "outcome-flags")
    assert text_of(html, "change-from-baseline").startswith("+6 points (+75%)")


def test_baseline_is_the_first_score_of_the_current_episode(clinic, login):
    client = clinic.client_a
    scores(client, [25, 20, 10])  # the first two predate this admission
    client.admitted_on = timezone.localdate() - datetime.timedelta(days=3)
    client.save()
    html = page(login, clinic.clinician_1, "client_measures", client.pk)
    assert text_of(html, "change-from-baseline").startswith("+0 points")


def test_next_phq_is_due_a_week_after_the_last_and_flagged_when_overdue(clinic, login):
    scores(clinic.client_a, [12, 11], last_days_ago=2)
    due = f"{timezone.localdate() + datetime.timedelta(days=5):%a %-d %b %Y}"
    due_text = text_of(page(login, clinic.clinician_1, "client_measures", clinic.client_a.pk), "due")
    assert due in due_text and "Overdue" not in due_text
    scores(clinic.client_b, [12, 11], last_days_ago=9)
    assert "Overdue" in text_of(page(login, clinic.clinician_2, "client_measures", clinic.client_b.pk), "due")


def test_a_questionnaire_without_a_total_does_not_put_off_the_next_one(clinic, login):
    scores(clinic.client_a, [12, 11], last_days_ago=9)
    blanks = {f"phq9_{n}": 1 for n in range(1, 6)}  # four items blank: no total
    AdministrationFactory(client=clinic.client_a, answers=blanks, administered_at=timezone.now())
    due_text = text_of(page(login, clinic.clinician_1, "client_measures", clinic.client_a.pk), "due")
    assert "Overdue" in due_text


def test_due_days_follow_the_program_setting(clinic, login):
    from iop.models import Program

    program = Program.current()
    program.phq_due_days = 14
    program.save()
    scores(clinic.client_a, [12], last_days_ago=9)
    assert "Overdue" not in text_of(page(login, clinic.clinician_1, "client_measures", clinic.client_a.pk), "due")


def test_page_says_why_a_questionnaire_has_no_total(clinic, login):
    AdministrationFactory(client=clinic.client_a, answers={"phq9_1": 2, "phq9_2": 2, "phq9_3": 1, "phq9_4": 1})
    html = page(login, clinic.clinician_1, "client_measures", clinic.client_a.pk)
    assert "5 of 9 items unanswered" in text_of(html, "no-total-reason")


def test_trend_chart_is_a_figure_with_caption_and_data_table(clinic, login):
    scores(clinic.client_a, [18, 15, 11])
    html = page(login, clinic.clinician_1, "client_measures", clinic.client_a.pk)
    figure = html[html.index("<figure") : html.index("</figure>")]
    assert 'src="data:image/svg+xml;base64,' in figure
    assert "<figcaption" in figure and "baseline 18, latest 11" in figure
    assert figure.count("<tr>") == 1 + 3  # header + one row per score


def test_viewing_measures_is_audited(clinic, login):
    page(login, clinic.clinician_1, "client_measures", clinic.client_a.pk)
    entry = AuditEntry.objects.get(event="view_measures")
    assert (entry.actor, entry.client_id) == (clinic.clinician_1, clinic.client_a.pk)


# --- Entering an administration -------------------------------------------------


def entry_url(client, instrument="phq9"):
    return reverse("clinicians:new_administration", args=[client.pk]) + f"?instrument={instrument}"


def form_data(answers, when=None):
    when = when or timezone.localtime() - datetime.timedelta(minutes=5)
    return {"administered_at": when.strftime("%Y-%m-%dT%H:%M"), **{k: str(v) for k, v in answers.items()}}


def test_clinician_entry_saves_answers_and_derives_the_total(clinic, login):
    response = login(clinic.clinician_1).post(entry_url(clinic.client_a), form_data(phq9_total(11)))
    assert response.status_code == 302
    administration = Administration.objects.get()
    assert (administration.total, administration.mode, administration.entered_by) == (
        11,
        "clinician",
        clinic.clinician_1,
    )
    assert AuditEntry.objects.filter(event="record_measure", client_id=clinic.client_a.pk).exists()


def test_entry_with_item_9_goes_straight_to_the_alert(clinic, login):
    response = login(clinic.clinician_1).post(entry_url(clinic.client_a), form_data(phq9_total(14, item_9=1)))
    alert = SafetyAlert.objects.get()
    assert response.url == reverse("clinicians:alert", args=[alert.pk])


def test_entry_form_rerenders_with_errors_and_keeps_the_answers(clinic, login):
    answers = phq9_total(9) | {"phq9_2": "7"}
    response = login(clinic.clinician_1).post(entry_url(clinic.client_a), form_data(answers))
    html = response.content.decode()
    assert response.status_code == 200
    assert "is-invalid" in html and "Select a valid choice" in html
    assert re.search(r'name="phq9_1" value="3"[^>]*checked', html)
    assert not Administration.objects.exists()


def test_entry_form_refuses_a_questionnaire_with_no_answers_and_a_future_date(clinic, login):
    future = timezone.localtime() + datetime.timedelta(days=1)
    response = login(clinic.clinician_1).post(entry_url(clinic.client_a), form_data({}, when=future))
    html = response.content.decode()
    assert "Please answer the questions" in html
    assert "in the future" in html
    assert not Administration.objects.exists()


@pytest.mark.parametrize(
    "value", ["", "x" * 5000, "😀 ünïcode", "<script>alert(1)</script>", "1; DROP TABLE clinicians_answer;--", "-1"]
)
def test_entry_form_survives_hostile_values(clinic, login, value):
    data = form_data(phq9_total(5)) | {"phq9_1": value, "administered_at": value or "2026-01-01T10:00"}
    response = login(clinic.clinician_1).post(entry_url(clinic.client_a), data)
    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_age_suggests_the_phqa_for_teens(clinic, login):
    html = login(clinic.clinician_1).get(reverse("clinicians:new_administration", args=[clinic.client_a.pk]))
    assert "PHQ-A" in html.content.decode()
    assert "irritable" in html.content.decode()


# --- The alert page ------------------------------------------------------------------


@pytest.fixture
def alert(clinic):
    AdministrationFactory(client=clinic.client_a, answers=phq9_total(16, item_9=2))
    return SafetyAlert.objects.get()


def test_alert_page_shows_the_answers_and_is_audited(clinic, login, alert):
    html = page(login, clinic.clinician_1, "alert", alert.pk)
    assert "2 · More than half the days" in html
    assert "44260-8" in html
    assert AuditEntry.objects.filter(event="view_alert", client_id=clinic.client_a.pk).exists()


def test_acknowledging_stops_the_clock_and_is_audited(clinic, login, alert):
    login(clinic.clinician_1).post(reverse("clinicians:acknowledge_alert", args=[alert.pk]))
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == ("acknowledged", clinic.clinician_1)
    assert AuditEntry.objects.filter(event="acknowledge_alert").count() == 1


RISK_FORM = {
    "cssrs_screen": "low",
    "disposition": "home_with_plan",
    "safety_plan": "reviewed",
    "family_contacted": "on",
    "notes": "Wish to be dead on two days, no plan or intent. Safety plan reviewed with client and father.",
}


@pytest.fixture
def plan_reviewed(clinic, alert):
    """The safety plan updated with the client and signed after the alert was raised."""
    plan = SafetyPlanFactory(client=clinic.client_a, author=clinic.clinician_1)
    plan.sign(clinic.clinician_1)
    return plan


def test_risk_assessment_form_closes_the_alert(clinic, login, alert, plan_reviewed):
    response = login(clinic.clinician_1).post(reverse("clinicians:risk_assessment", args=[alert.pk]), RISK_FORM)
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "closed"
    assert alert.risk_assessment.assessed_by == clinic.clinician_1
    assert AuditEntry.objects.filter(event="close_alert").exists()


def test_risk_assessment_without_notes_rerenders_keeping_what_was_typed(clinic, login, alert):
    data = RISK_FORM | {"notes": "", "safety_plan": "not_needed"}
    response = login(clinic.clinician_1).post(reverse("clinicians:risk_assessment", args=[alert.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "With any risk identified" in html
    assert re.search(r'value="home_with_plan"[^>]*checked', html)
    alert.refresh_from_db()
    assert alert.status == "open" and not RiskAssessment.objects.exists()


def test_high_risk_and_home_is_a_decision_made_on_purpose(clinic, login, alert, plan_reviewed):
    url = reverse("clinicians:risk_assessment", args=[alert.pk])
    data = RISK_FORM | {"cssrs_screen": "high"}
    browser = login(clinic.clinician_1)
    html = browser.post(url, data).content.decode()
    assert "The screen says high risk and the disposition is home." in html
    assert 'name="home_at_high_risk"' in html and "Safety plan reviewed with client and father." in html
    alert.refresh_from_db()
    assert alert.status == "open"
    assert browser.post(url, data | {"home_at_high_risk": "on"}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == "closed" and alert.risk_assessment.disposition == "home_with_plan"


def test_a_safety_plan_said_to_be_written_tonight_must_be_signed_since_the_alert(clinic, login, alert):
    older = SafetyPlanFactory(client=clinic.client_a, author=clinic.clinician_1)
    older.sign(clinic.clinician_1, when=alert.created_at - datetime.timedelta(days=20))
    url = reverse("clinicians:risk_assessment", args=[alert.pk])
    browser = login(clinic.clinician_1)
    refused = browser.post(url, RISK_FORM)
    html = refused.content.decode()
    assert "No safety plan has been signed since this alert was raised." in html
    assert "Safety plan reviewed with client and father." in html  # what was typed stays
    assert "Update safety plan (opens in a new tab)" in html and 'target="_blank"' in html
    alert.refresh_from_db()
    assert alert.status == "open"

    draft, _ = older.__class__.start_draft(clinic.client_a, clinic.clinician_1)
    assert (
        "Continue draft v2 (opens in a new tab)"
        in browser.get(reverse("clinicians:alert", args=[alert.pk])).content.decode()
    )
    draft.sign(clinic.clinician_1)
    html = browser.get(reverse("clinicians:alert", args=[alert.pk])).content.decode()
    assert "signed since this alert" in html
    assert browser.post(url, RISK_FORM).status_code == 302
    alert.refresh_from_db()
    assert alert.status == "closed" and alert.risk_assessment.safety_plan == "reviewed"


@pytest.mark.parametrize(
    ("disposition", "closes"),
    [
        ("emergency_evaluation", True),
        ("higher_level_of_care", True),
        ("home_with_plan", False),
        ("home_with_follow_up", False),
    ],
)
def test_the_safety_plan_is_left_to_the_receiving_service_only_when_the_client_goes_on_to_one(
    clinic, login, alert, disposition, closes
):
    data = RISK_FORM | {"disposition": disposition, "safety_plan": "referred_on"}
    response = login(clinic.clinician_1).post(reverse("clinicians:risk_assessment", args=[alert.pk]), data)
    alert.refresh_from_db()
    assert (response.status_code == 302, alert.status == "closed") == (closes, closes)
    if not closes:
        assert "Going home, the client leaves with a safety plan" in response.content.decode()


def test_the_on_call_clinician_without_the_chart_is_not_shown_the_plan_and_leaves_it_to_the_team(clinic, login, alert):
    older = SafetyPlanFactory(client=clinic.client_a, author=clinic.clinician_1)
    older.sign(clinic.clinician_1)
    program = Program.current()
    program.on_call_clinician = clinic.clinician_2  # another cohort's lead: sees the alert, not the chart
    program.save()
    browser = login(clinic.clinician_2)
    html = browser.get(reverse("clinicians:alert", args=[alert.pk])).content.decode()
    assert "this client's chart is not open to you" in html and "say in the notes who will sign it" in html
    assert reverse("emergency_access", args=[clinic.client_a.pk]) in html
    assert reverse("clinicians:safety_plan", args=[older.pk]) not in html and "version 1" not in html
    # Emergency access only reads, so the plan is the team's to sign; the assessment closes the alert.
    data = RISK_FORM | {"notes": "Seen with mother. Plan reviewed; Jordan Reyes signs the update tonight."}
    assert browser.post(reverse("clinicians:risk_assessment", args=[alert.pk]), data).status_code == 302
    alert.refresh_from_db()
    assert alert.status == "closed" and alert.risk_assessment.assessed_by == clinic.clinician_2


def test_a_plan_left_to_the_team_is_owed_on_the_home_page_and_chart_until_a_version_is_signed(clinic, login, alert):
    older = SafetyPlanFactory(client=clinic.client_a, author=clinic.clinician_1)
    older.sign(clinic.clinician_1, when=alert.created_at - datetime.timedelta(days=20))
    program = Program.current()
    program.on_call_clinician = clinic.clinician_2
    program.save()
    data = RISK_FORM | {"notes": "Seen with mother. Plan reviewed; the team signs the update tomorrow."}
    on_call = login(clinic.clinician_2)
    assert on_call.post(reverse("clinicians:risk_assessment", args=[alert.pk]), data).status_code == 302

    team = login(clinic.clinician_1)
    home = team.get(reverse("clinician_home")).content.decode()
    assert "Safety plans owed after an alert" in home
    owed = reverse("clinicians:chart_section", args=[clinic.client_a.pk, "safety-plan"])
    assert f'href="{owed}"' in home
    assert f"closed by {clinic.clinician_2.display_name} as a safety plan made" in home
    chart = team.get(reverse("clinicians:chart_section", args=[clinic.client_a.pk, "safety-plan"])).content.decode()
    assert f'class="alert-link" href="{owed}"' in chart  # the header's link to the tab
    assert "Safety plan owed" in chart and 'closed it with "Safety plan reviewed and updated"' in chart
    # The on-call clinician cannot write it, so it is not on their list.
    assert "Safety plans owed" not in login(clinic.clinician_2).get(reverse("clinician_home")).content.decode()

    team = login(clinic.clinician_1)
    draft, _ = SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)
    assert "Safety plans owed" in team.get(reverse("clinician_home")).content.decode()  # a draft is not enough
    draft.sign(clinic.clinician_1)
    assert "Safety plans owed" not in team.get(reverse("clinician_home")).content.decode()
    assert "Safety plan owed" not in team.get(reverse("clinicians:chart", args=[clinic.client_a.pk])).content.decode()


def close_without_a_plan(alert, clinician, answer="created", disposition="home_with_plan", screen="low"):
    """Close ``alert`` as the on-call clinician without the chart may: the assessment
    records a plan (``answer``) that nobody has signed."""
    assessment = RiskAssessment(
        cssrs_screen=screen,
        disposition=disposition,
        safety_plan=answer,
        notes="Documented at length for the record.",
        assessed_by=clinician,
    )
    SafetyAlert.objects.filter(pk=alert.pk).update(status="open", risk_assessment=None, closed_at=None)
    alert.refresh_from_db()
    alert.close_with(assessment)
    return alert


def test_an_assessment_that_needed_no_plan_or_left_it_to_another_service_owes_none(clinic, login, alert):
    close_without_a_plan(alert, clinic.clinician_1)
    assert list(SafetyAlert.objects.safety_plan_owed()) == [alert]  # the rule does find one when owed
    for answer, disposition in (("not_needed", "home_with_follow_up"), ("referred_on", "emergency_evaluation")):
        screen = "no_risk" if answer == "not_needed" else "high"
        close_without_a_plan(alert, clinic.clinician_1, answer=answer, disposition=disposition, screen=screen)
        assert not SafetyAlert.objects.safety_plan_owed().exists()
    html = login(clinic.clinician_1).get(reverse("clinician_home")).content.decode()
    assert "Safety plans owed" not in html


def test_a_client_owed_a_plan_twice_is_listed_once_since_the_first_alert_beside_an_open_one(clinic, login, alert):
    first = close_without_a_plan(alert, clinic.clinician_2)
    SafetyAlert.objects.filter(pk=first.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    AdministrationFactory(client=clinic.client_a, answers=phq9_total(12, item_9=1))
    second = close_without_a_plan(SafetyAlert.objects.exclude(pk=first.pk).get(), clinic.clinician_2)
    AdministrationFactory(client=clinic.client_a, answers=phq9_total(14, item_9=2))  # a third, still open
    first.refresh_from_db()
    browser = login(clinic.clinician_1)

    home = browser.get(reverse("clinician_home")).content.decode()
    owed_list = home.split('id="plans-owed-heading"')[1].split("</section>")[0]
    assert owed_list.count("<li>") == 1
    assert f"alert of {timezone.localtime(first.created_at):%a} {timezone.localtime(first.created_at).day}" in owed_list
    chart = browser.get(reverse("clinicians:chart", args=[clinic.client_a.pk])).content.decode()
    assert "Open safety alert" in chart and "Safety plan owed" in chart
    assert f"the alert of {timezone.localtime(first.created_at):%a} {timezone.localtime(first.created_at).day}" in chart
    assert second.pk != first.pk


def test_the_alert_pages_safety_plan_panel_is_read_again_without_a_new_audit_entry(clinic, login, alert):
    browser = login(clinic.clinician_1)
    url = reverse("clinicians:alert", args=[alert.pk])
    page_html = browser.get(url).content.decode()
    assert f'hx-get="{url}?panel=0-0-0"' in page_html and 'hx-trigger="focus from:window"' in page_html
    # Nothing changed since: nothing to swap in (nor for a screen reader to hear again).
    assert browser.get(url, {"panel": "0-0-0"}, headers={"HX-Request": "true"}).status_code == 204
    plan, _ = SafetyPlan.start_draft(clinic.client_a, clinic.clinician_1)
    SafetyPlan.objects.filter(pk=plan.pk).update(
        warning_signs="w", internal_coping="c", people_to_ask="p", environment="e"
    )
    plan.refresh_from_db()
    plan.sign(clinic.clinician_1)
    audited = AuditEntry.objects.filter(event="view_alert").count()
    fragment = browser.get(url, {"panel": "0-0-0"}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="alert-safety-plan"') and "signed since this alert" in html
    assert f"?panel={plan.pk}-0-0" in html and 'id="alert-plan-action"' in html
    assert AuditEntry.objects.filter(event="view_alert").count() == audited

    # Another clinician's: the panel comes from their own visibility, the alert not being theirs.
    assert login(clinic.clinician_2).get(url, headers={"HX-Request": "true"}).status_code == 404
    # Closed meanwhile: nothing to swap in; saving the form says it is closed.
    SafetyAlert.objects.filter(pk=alert.pk).update(
        status="closed",
        closed_at=timezone.now(),
        risk_assessment=RiskAssessment.objects.create(
            client=clinic.client_a,
            cssrs_screen="low",
            disposition="home_with_plan",
            safety_plan="reviewed",
            notes="Reviewed with the client and her mother.",
            assessed_by=clinic.clinician_1,
        ),
    )
    assert login(clinic.clinician_1).get(url, headers={"HX-Request": "true"}).status_code == 204


def test_the_panel_of_an_alert_seen_without_the_chart_is_not_read_again(clinic, login, alert):
    program = Program.current()
    program.on_call_clinician = clinic.clinician_2
    program.save()
    html = login(clinic.clinician_2).get(reverse("clinicians:alert", args=[alert.pk])).content.decode()
    assert 'id="alert-safety-plan"' in html and "hx-get" not in html.split('id="alert-safety-plan"')[1][:200]


def test_a_colleagues_safety_plan_draft_is_offered_to_take_over_from_the_alert(clinic, login, alert):
    SafetyPlanFactory(client=clinic.client_a, author=clinic.clinician_1).sign(clinic.clinician_1)
    colleague = ClinicianFactory()
    clinic.client_a.cohort.co_facilitators.add(colleague)
    draft, _ = SafetyPlan.start_draft(clinic.client_a, colleague)
    html = login(clinic.clinician_1).get(reverse("clinicians:alert", args=[alert.pk])).content.decode()
    assert f"Draft v2 by {colleague}" in html and "Take over the draft (opens in a new tab)" in html
    assert reverse("clinicians:safety_plan_take_over", args=[draft.pk]) in html


# --- Banner on every staff page ---------------------------------------------------------

STAFF_PAGES = ["clinician_home", "client_list", "clinicians:caseload"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_open_alert_shows_on_every_staff_page_of_the_clinician_who_can_see_the_client(clinic, login, alert, name):
    html = login(clinic.clinician_1).get(reverse(name)).content.decode()
    assert 'id="safety-banner-heading"' in html
    assert reverse("clinicians:alert", args=[alert.pk]) in html
    other = login(clinic.clinician_2).get(reverse(name)).content.decode()
    assert "safety-banner" not in other


def test_banner_also_on_client_profile_and_measures(clinic, login, alert):
    for url in (
        reverse("client_profile", args=[clinic.client_a.pk]),
        reverse("clinicians:client_measures", args=[clinic.client_a.pk]),
    ):
        assert 'id="safety-banner-heading"' in login(clinic.clinician_1).get(url).content.decode()


def test_admin_and_family_never_see_the_banner(clinic, login, alert):
    assert "safety-banner" not in login(clinic.admin).get(reverse("admin_home")).content.decode()
    assert "safety-banner" not in login(clinic.family_a).get(reverse("families:home")).content.decode()


def test_banner_stays_after_acknowledgement_and_goes_once_closed(clinic, login, alert):
    alert.acknowledge(clinic.clinician_1)
    html = login(clinic.clinician_1).get(reverse("client_list")).content.decode()
    assert "risk assessment to document" in html
    alert.close_with(
        RiskAssessment(
            assessed_by=clinic.clinician_1, **{k: v for k, v in RISK_FORM.items() if k != "family_contacted"}
        )
    )
    assert "safety-banner" not in login(clinic.clinician_1).get(reverse("client_list")).content.decode()


def test_banner_query_count_does_not_grow_with_alerts(clinic, login, django_assert_num_queries):
    AdministrationFactory(client=clinic.client_a, answers=phq9_total(10, item_9=1))
    user = login(clinic.clinician_1)
    user.get(reverse("client_list"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        user.get(reverse("client_list"))
    for _ in range(4):
        AdministrationFactory(client=ClientFactory(cohort=clinic.client_a.cohort), answers=phq9_total(10, item_9=1))
    with django_assert_num_queries(len(one)):
        html = user.get(reverse("client_list")).content.decode()
    assert html.count("/alerts/") >= 5


# --- Caseload ----------------------------------------------------------------------------


def test_caseload_shows_latest_score_trend_and_flags(clinic, login):
    cohort = clinic.client_a.cohort
    improving = clinic.client_a
    scores(improving, [18, 14, 10])
    worse = ClientFactory(cohort=cohort, legal_first_name="Worse")
    scores(worse, [8, 12, 15])
    overdue = ClientFactory(cohort=cohort, legal_first_name="Late")
    scores(overdue, [12, 12], last_days_ago=10)
    AdministrationFactory(
        client=overdue, answers=phq9_total(12, item_9=1), administered_at=timezone.now() - datetime.timedelta(days=9)
    )
    html = page(login, clinic.clinician_1, "caseload")
    rows = {
        name: row
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
        for name in ("Avery", "Worse", "Late")
        if f">{name} " in row  # the client's link (each cell is also named by its column)
    }
    assert "10 · Moderate" in rows["Avery"] and "↓" in rows["Avery"]
    assert "Deteriorating" in rows["Worse"] and "↑" in rows["Worse"]
    assert "Overdue" not in rows["Worse"]
    assert "Overdue" in rows["Late"] and "Safety alert" in rows["Late"]
    assert f'href="{reverse("clinicians:client_measures", args=[worse.pk])}"' in rows["Worse"]
    assert clinic.client_b.legal_last_name not in html


def test_caseload_query_count_is_pinned(clinic, login, django_assert_max_num_queries):
    for n in range(12):
        client = ClientFactory(cohort=clinic.client_a.cohort)
        scores(client, [14, 12, 10 + n % 3])
    user = login(clinic.clinician_1)
    user.get(reverse("clinicians:caseload"))
    with django_assert_max_num_queries(16):
        response = user.get(reverse("clinicians:caseload"))
    assert response.content.decode().count("badge-band-") == 12


@pytest.mark.parametrize(
    "value", ["", "x" * 20000, "😀 ünïcode", "<script>alert(1)</script>", "'; DROP TABLE clinicians_safetyalert;--"]
)
def test_risk_assessment_form_survives_hostile_values(clinic, login, alert, value):
    data = {key: value for key in RISK_FORM}
    response = login(clinic.clinician_1).post(reverse("clinicians:risk_assessment", args=[alert.pk]), data)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"


def test_a_placeholder_is_not_a_documented_risk_assessment(clinic, login, alert, plan_reviewed):
    response = login(clinic.clinician_1).post(
        reverse("clinicians:risk_assessment", args=[alert.pk]), RISK_FORM | {"notes": "x"}
    )
    assert "Write what the client said, what protects them and the plan for tonight" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"


def test_hostile_notes_are_escaped_on_the_alert_page(clinic, login, alert, plan_reviewed):
    notes = "<script>alert(1)</script> discussed with client"
    login(clinic.clinician_1).post(reverse("clinicians:risk_assessment", args=[alert.pk]), RISK_FORM | {"notes": notes})
    html = page(login, clinic.clinician_1, "alert", alert.pk)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; discussed" in html


def test_blank_answers_entered_by_hand_are_pointed_out_once_and_a_blank_item_9_by_name(clinic, login):
    answers = {key: value for key, value in phq9_total(14).items() if key not in ("phq9_8", "phq9_9")}
    browser = login(clinic.clinician_1)
    first = browser.post(entry_url(clinic.client_a), form_data(answers))
    html = first.content.decode()
    assert first.status_code == 200 and not Administration.objects.exists()
    assert "Questions 8, 9 left blank." in html and "A blank is not a no." in html
    assert PHQ9.items[8].text.split()[0] in html.split("about suicide or self-harm")[1]
    assert 'name="save_anyway" value="1"' in html
    assert re.search(r'name="phq9_1" value="\d"[^>]*checked', html)

    again = browser.post(entry_url(clinic.client_a), {**form_data(answers), "save_anyway": "1"})
    assert again.status_code == 302
    assert Administration.objects.get().prorated


def test_blank_phqa_suicide_questions_are_named(clinic, login):
    answers = {f"phqa_{n}": "0" for n in range(1, 10)}
    html = login(clinic.clinician_1).post(entry_url(clinic.client_a, "phqa"), form_data(answers)).content.decode()
    assert "yes/no questions left blank" in html
    assert "tried to kill yourself" in html.split("about suicide or self-harm")[1]
    assert not Administration.objects.exists()


def test_entry_form_refuses_a_date_years_before_the_stay_and_keeps_the_answers(clinic, login):
    years_ago = timezone.localtime().replace(year=2020, month=1, day=1, hour=10, minute=0)
    response = login(clinic.clinician_1).post(entry_url(clinic.client_a), form_data(phq9_total(11), years_ago))
    html = response.content.decode()
    assert response.status_code == 200 and "the client&#x27;s first admission (or referral)" in html
    assert re.search(r'name="phq9_1" value="\d"[^>]*checked', html)
    assert not Administration.objects.exists()
