"""Who may open each measures page: every URL x every role, including objects
the user does not own. Families get 404, admins 403 (no scores or answers),
anonymous visitors the login page, clinicians of another cohort 404."""

import pytest
from django.urls import reverse

from clinicians.instruments import PHQ9
from clinicians.models import SafetyAlert
from tests.factories import AdministrationFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "family_a", "family_b", "clinician_1", "clinician_2", "admin", "superuser"]


def expected(role, owner_status, *, not_owner=404):
    return {
        "anonymous": 302,
        "family_a": 404,
        "family_b": 404,
        "clinician_1": owner_status,
        "clinician_2": not_owner,
        "admin": 403,
        "superuser": owner_status,
    }[role]


@pytest.fixture
def records(clinic):
    answers = {item.key: 1 for item in PHQ9.items}
    administration = AdministrationFactory(client=clinic.client_a, answers=answers)
    alert = SafetyAlert.objects.get(administration=administration)
    return {"client": clinic.client_a.pk, "administration": administration.pk, "alert": alert.pk}


# name, method, url args (keys of ``records``), status for the owner, status for a clinician who is not
PAGES = [
    ("client_measures", "get", ["client"], 200, 404),
    ("new_administration", "get", ["client"], 200, 404),
    ("new_administration", "post", ["client"], 200, 404),  # empty form: re-rendered with errors
    ("administration", "get", ["administration"], 200, 404),
    ("export_fhir", "get", ["client"], 200, 404),
    ("send_self_report_link", "post", ["client"], 200, 404),
    ("start_kiosk", "post", ["client"], 302, 404),
    ("alert", "get", ["alert"], 200, 404),
    ("acknowledge_alert", "post", ["alert"], 302, 404),
    ("risk_assessment", "post", ["alert"], 200, 404),  # empty form: re-rendered with errors
    ("caseload", "get", [], 200, 200),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "args", "owner", "not_owner"), PAGES, ids=[f"{p[1]}-{p[0]}" for p in PAGES])
def test_measures_pages_by_role(clinic, login, records, role, name, method, args, owner, not_owner):
    url = reverse(f"clinicians:{name}", args=[records[a] for a in args])
    response = getattr(login(clinic.role(role)), method)(url)
    assert response.status_code == expected(role, owner, not_owner=not_owner)
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))


def test_every_clinicians_url_has_a_declared_expectation():
    from clinicians.urls import urlpatterns

    declared = {name for name, *_ in PAGES} | {"self_report", "self_report_thanks"}
    # The chart's own URLs are declared in test_chart_access.py.
    assert {p.name for p in urlpatterns if p.callback.__module__.startswith("clinicians.views.")} == declared


@pytest.mark.parametrize("role", ROLES)
def test_self_report_page_needs_only_the_token(clinic, login, role):
    from clinicians.models import SelfReportLink

    _link, token = SelfReportLink.issue(
        client=clinic.client_a, instrument="phqa", created_by=clinic.clinician_1, mode="link"
    )
    assert login(clinic.role(role)).get(reverse("clinicians:self_report", args=[token])).status_code == 200
    assert login(clinic.role(role)).get(reverse("clinicians:self_report_thanks")).status_code == 200


def test_program_admin_sees_no_scores_or_answers_anywhere(clinic, records):
    from clinicians.models import Administration, Answer, RiskAssessment, SelfReportLink

    for model in (Administration, Answer, SafetyAlert, RiskAssessment, SelfReportLink):
        assert not model.objects.visible_to(clinic.admin).exists()
        assert not model.objects.visible_to(clinic.family_a).exists()
    assert Administration.objects.visible_to(clinic.clinician_1).count() == 1
    assert Answer.objects.visible_to(clinic.clinician_1).count() == 9
    assert not Answer.objects.visible_to(clinic.clinician_2).exists()
