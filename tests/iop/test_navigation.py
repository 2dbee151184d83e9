"""The main menu: each kind of user sees the links of their work, each link opens
for them, and the page they are on is marked."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from iop.navigation import menu

pytestmark = pytest.mark.django_db

SCHEDULING = ["Schedule", "Hours", "Cohorts"]
ADMIN = ["Program", "Deliveries", *SCHEDULING, "Closures", "Enrollment"]
FAMILY_WORK = ["Skill summaries", "Family group"]
MENUS = {
    "family_a": ["Home", "Calendar link", "How we contact you"],
    "clinician_1": ["My caseload", "Tonight", "Measures", *SCHEDULING, *FAMILY_WORK, "Clients"],
    "admin": [*ADMIN, "Families", "Clients", "Audit"],
    "superuser": [*ADMIN, *FAMILY_WORK, "Families", "Clients", "Audit", "Django admin"],
}


@pytest.mark.parametrize("role", MENUS)
def test_each_kind_of_user_has_its_own_menu(clinic, role):
    assert [link.label for link in menu(clinic.role(role), "/")] == MENUS[role]


@pytest.mark.parametrize("role", MENUS)
def test_every_link_of_a_menu_opens_for_its_user(clinic, login, role):
    browser = login(clinic.role(role))
    for link in menu(clinic.role(role), "/"):
        assert browser.get(link.url).status_code == 200, link


def test_a_privacy_officer_clinician_also_has_the_audit_link(clinic):
    clinic.clinician_1.is_privacy_officer = True
    assert menu(clinic.clinician_1, "/")[-1].label == "Audit"
    clinic.clinician_1.is_privacy_officer = False
    assert "Audit" not in [link.label for link in menu(clinic.clinician_1, "/")]


def test_the_page_shown_is_marked_current_once(clinic, login):
    page = login(clinic.clinician_1).get(reverse("clinicians:tonight")).content.decode()
    current = re.findall(r'<a class="nav-link active" aria-current="page" href="([^"]+)">', page)
    assert current == [reverse("clinicians:tonight")]
    assert f'href="{reverse("clinicians:caseload")}">Measures</a>' in page


def test_labels_follow_the_language_of_the_page(clinic):
    english = [link.label for link in menu(clinic.family_a, "/")]
    with translation.override("es"):
        spanish = [link.label for link in menu(clinic.family_a, "/")]
    assert spanish == ["Inicio", "Enlace de calendario", "Cómo le contactamos"]
    assert [link.label for link in menu(clinic.family_a, "/")] == english
