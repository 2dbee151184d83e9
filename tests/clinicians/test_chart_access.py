"""Every chart page for every role: the clinical team of the client's cohort
reads it; the other cohort's clinician and families get 404; program admins
get 403; nobody who may not read it ever sees a note's words."""

import pytest
from django.urls import reverse

from tests import factories

from .conftest import SECRET

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "family_a", "family_b", "clinician_1", "clinician_2", "admin", "superuser"]
LOGIN = 302
# Reading pages: the cohort's clinician and superusers read; others are turned away.
READ = {"anonymous": LOGIN, "family_a": 404, "family_b": 404, "clinician_2": 404, "admin": 403}
# Drafts are edited (and signed) only by their author, clinician_1.
AUTHOR_ONLY = {**READ, "clinician_1": 200, "superuser": 403}
# Medication list changes are for prescribers; none of these roles is one.
PRESCRIBER_ONLY = {**READ, "clinician_1": 403, "superuser": 403, "clinician_2": 403, "family_a": 404}


def pages(clinic, chart):
    client = clinic.client_a.pk
    evening = factories.charted_evening(clinic.client_a)
    return {
        "chart": (reverse("clinicians:chart", args=[client]), {**READ, "clinician_1": 200, "superuser": 200}),
        "chart_section": (
            reverse("clinicians:chart_section", args=[client, "safety-plan"]),
            {**READ, "clinician_1": 200, "superuser": 200},
        ),
        "client_notes": (
            reverse("clinicians:client_notes", args=[client]),
            {**READ, "clinician_1": 200, "superuser": 200},
        ),
        "chart_entry": (
            reverse("clinicians:chart_entry", args=[client, evening.entries.get(client=client).pk]),
            {**READ, "clinician_1": 200, "superuser": 200},
        ),
        "plan": (
            reverse("clinicians:plan", args=[chart.signed_plan.pk]),
            {**READ, "clinician_1": 200, "superuser": 200},
        ),
        "plan_edit": (reverse("clinicians:plan_edit", args=[chart.draft_plan.pk]), AUTHOR_ONLY),
        "plan_row": (
            reverse("clinicians:plan_row", args=[chart.draft_plan.pk, "objectives"]) + "?index=3",
            AUTHOR_ONLY,
        ),
        "plan_sign": (reverse("clinicians:plan_sign", args=[chart.draft_plan.pk]), AUTHOR_ONLY),
        "plan_review": (
            reverse("clinicians:plan_review", args=[chart.signed_plan.pk]),
            {**READ, "clinician_1": 200, "superuser": 200},
        ),
        "note_new": (
            reverse("clinicians:note_new", args=[client, "individual_checkin"]),
            {**READ, "clinician_1": 200, "superuser": 200},
        ),
        "note": (
            reverse("clinicians:note", args=[chart.signed_note.pk]),
            {**READ, "clinician_1": 200, "superuser": 200},
        ),
        "note_edit": (reverse("clinicians:note_edit", args=[chart.draft_note.pk]), AUTHOR_ONLY),
        "medication_note_new": (
            reverse("clinicians:note_new", args=[client, "medication"]),
            {**PRESCRIBER_ONLY, "clinician_2": 404},
        ),
        "medication_new": (reverse("clinicians:medication_new", args=[client]), PRESCRIBER_ONLY),
        "medication_stop": (reverse("clinicians:medication_stop", args=[chart.medication.pk]), PRESCRIBER_ONLY),
        "safety_plan": (
            reverse("clinicians:safety_plan", args=[chart.signed_safety_plan.pk]),
            {**READ, "clinician_1": 200, "superuser": 200},
        ),
        "safety_plan_print": (
            reverse("clinicians:safety_plan_print", args=[chart.signed_safety_plan.pk]),
            {**READ, "clinician_1": 200, "superuser": 200},
        ),
        "safety_plan_edit": (reverse("clinicians:safety_plan_edit", args=[chart.draft_safety_plan.pk]), AUTHOR_ONLY),
        "discharge": (reverse("clinicians:discharge", args=[client]), {**READ, "clinician_1": 200, "superuser": 200}),
    }


PAGE_NAMES = [
    "chart",
    "chart_section",
    "client_notes",
    "chart_entry",
    "plan",
    "plan_edit",
    "plan_row",
    "plan_sign",
    "plan_review",
    "note_new",
    "note",
    "note_edit",
    "medication_note_new",
    "medication_new",
    "medication_stop",
    "safety_plan",
    "safety_plan_print",
    "safety_plan_edit",
    "discharge",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGE_NAMES)
def test_each_chart_page_answers_each_role_as_declared(clinic, chart, login, page, role):
    url, expected = pages(clinic, chart)[page]
    response = login(clinic.role(role)).get(url)
    assert response.status_code == expected[role], f"{page} as {role}"
    if expected[role] != 200:
        assert SECRET not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_every_tab_of_the_chart_answers_each_role_as_the_chart_does(clinic, chart, login, role):
    from clinicians.chart import SECTIONS

    expected = pages(clinic, chart)["chart"][1][role]
    browser = login(clinic.role(role))
    for section in SECTIONS[1:]:  # the first is the chart's own address
        response = browser.get(reverse("clinicians:chart_section", args=[clinic.client_a.pk, section.slug]))
        assert response.status_code == expected, f"{section.slug} as {role}"
        if expected != 200:
            assert SECRET not in response.content.decode()


def test_a_tab_the_chart_does_not_have_is_not_found(clinic, login):
    url = reverse("clinicians:chart_section", args=[clinic.client_a.pk, "billing"])
    assert login(clinic.clinician_1).get(url).status_code == 404
    # The first tab's other address leads to the chart only for whoever may read it.
    first = reverse("clinicians:chart_section", args=[clinic.client_a.pk, "notes"])
    assert login(clinic.clinician_2).get(first).status_code == 404


POSTS = [
    ("clinicians:plan_start", lambda clinic, chart: clinic.client_a.pk),
    ("clinicians:plan_acknowledge", lambda clinic, chart: chart.signed_plan.pk),
    ("clinicians:note_sign", lambda clinic, chart: chart.draft_note.pk),
    ("clinicians:note_addendum", lambda clinic, chart: chart.signed_note.pk),
    ("clinicians:safety_plan_start", lambda clinic, chart: clinic.client_a.pk),
    ("clinicians:plan_take_over", lambda clinic, chart: chart.draft_plan.pk),
    ("clinicians:safety_plan_take_over", lambda clinic, chart: chart.draft_safety_plan.pk),
    ("clinicians:plan_discard", lambda clinic, chart: chart.draft_plan.pk),
    ("clinicians:safety_plan_discard", lambda clinic, chart: chart.draft_safety_plan.pk),
]


def test_every_clinician_url_has_a_declared_expectation():
    from clinicians.urls import urlpatterns

    declared = set(PAGE_NAMES) - {"medication_note_new"} | {name.split(":")[1] for name, _arg in POSTS}
    chart_modules = {f"clinicians.{m}_views" for m in ("chart", "plan", "note", "safety_plan", "discharge")}
    assert {p.name for p in urlpatterns if p.callback.__module__ in chart_modules} == declared


@pytest.mark.parametrize(("role", "expected"), [("family_a", 404), ("clinician_2", 404), ("admin", 403)])
@pytest.mark.parametrize(("name", "arg"), POSTS)
def test_actions_refuse_people_outside_the_clinical_team(clinic, chart, login, role, expected, name, arg):
    response = login(clinic.role(role)).post(reverse(name, args=[arg(clinic, chart)]), {"text": "x", "party": "client"})
    assert response.status_code == expected
    chart.draft_note.refresh_from_db()
    assert not chart.draft_note.is_signed
    assert not chart.signed_note.addenda.exists()
    for draft in (chart.draft_plan, chart.draft_safety_plan):
        draft.refresh_from_db()
        assert draft.author == clinic.clinician_1


def test_chart_of_a_client_in_another_cohort_is_not_found_for_clinician_1(clinic, login):
    response = login(clinic.clinician_1).get(reverse("clinicians:chart", args=[clinic.client_b.pk]))
    assert response.status_code == 404


def test_access_grant_opens_the_chart_to_another_cohorts_clinician(clinic, chart, login):
    from django.utils import timezone

    from iop.models import ClientAccessGrant

    url = reverse("clinicians:chart", args=[clinic.client_a.pk])
    assert login(clinic.clinician_2).get(url).status_code == 404
    ClientAccessGrant.objects.create(
        client=clinic.client_a,
        grantee=clinic.clinician_2,
        granted_by=clinic.admin,
        kind="granted",
        reason="Covering group while the lead is away",
        expires_at=timezone.now() + timezone.timedelta(hours=8),
    )
    assert login(clinic.clinician_2).get(url).status_code == 200
