"""Every scheduling page for every role, including objects they do not own.
Families get 404 for staff pages; clinicians get 403 on admin pages and 404 for
cohorts they do not work in."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "family_a", "family_b", "clinician_1", "clinician_2", "admin", "superuser"]
LOGIN = "login"
STAFF_ALL = {"family_a": 404, "family_b": 404, "clinician_1": 200, "clinician_2": 200, "admin": 200, "superuser": 200}
OWN_COHORT = {**STAFF_ALL, "clinician_2": 404}
ADMIN_ONLY = {**STAFF_ALL, "clinician_1": 403, "clinician_2": 403}
FAMILY_ONLY = {"family_a": 200, "family_b": 200, "clinician_1": 403, "clinician_2": 403, "admin": 403, "superuser": 403}

# url name, args from the clinic (cohort 1 / teens evening / client A), expectations by role
PAGES = [
    ("groups:week", None, STAFF_ALL),
    ("groups:hours", None, STAFF_ALL),
    ("groups:cohort_list", None, STAFF_ALL),
    ("groups:session_detail", "session", OWN_COHORT),
    ("groups:attendance", "session", OWN_COHORT),
    ("groups:session_edit", "session", ADMIN_ONLY),
    ("groups:reschedule", "session", ADMIN_ONLY),
    ("groups:cohort_new", None, ADMIN_ONLY),
    ("groups:cohort_edit", "cohort", ADMIN_ONLY),
    ("groups:cohort_weeks", "cohort", OWN_COHORT),
    ("groups:cohort_feed", "cohort", OWN_COHORT),
    ("groups:make_up", "cohort", ADMIN_ONLY),
    ("groups:generate", None, ADMIN_ONLY),
    ("groups:closures", None, ADMIN_ONLY),
    ("groups:enrollment_list", None, ADMIN_ONLY),
    ("groups:client_enrollment", "client", ADMIN_ONLY),
    ("groups:family_calendar", None, FAMILY_ONLY),
]


def url_for(name, arg, evenings):
    teens, _ = evenings
    objects = {"session": teens.pk, "cohort": teens.cohort_id, "client": teens.cohort.enrollments.get().client_id}
    return reverse(name, args=[objects[arg]] if arg else [])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "arg", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_answers_each_role_as_declared(enrolled, evenings, login, role, name, arg, expected):
    response = login(enrolled.role(role)).get(url_for(name, arg, evenings))

    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected[role]


def test_every_scheduling_url_has_a_declared_expectation():
    from groups.urls import urlpatterns

    declared = {name.split(":")[1] for name, _arg, _expected in PAGES} | {"family_feed"}
    assert {p.name for p in urlpatterns} == declared


@pytest.mark.parametrize("role", ["family_a", "family_b"])
def test_families_get_404_for_the_other_cohorts_evening_too(enrolled, evenings, login, role):
    _, tweens = evenings
    assert login(enrolled.role(role)).get(reverse("groups:session_detail", args=[tweens.pk])).status_code == 404


def test_clinician_sees_only_own_cohorts_on_the_week_calendar(enrolled, evenings, login):
    teens, tweens = evenings
    page = login(enrolled.clinician_1).get(reverse("groups:week")).content.decode()
    assert reverse("groups:session_detail", args=[teens.pk]) in page
    assert reverse("groups:session_detail", args=[tweens.pk]) not in page


def test_clinician_hours_page_lists_only_own_clients(enrolled, evenings, login):
    page = login(enrolled.clinician_2).get(reverse("groups:hours")).content.decode()
    assert enrolled.client_b.legal_last_name in page
    assert enrolled.client_a.legal_last_name not in page
