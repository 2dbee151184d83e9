"""Each role lands on its own home page; the wrong role is turned away."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("clinician_1", "clinician_home"),
        ("admin", "admin_home"),
        ("family_a", "families:home"),
        ("superuser", "admin_home"),
    ],
)
def test_home_sends_each_role_to_its_own_page(clinic, login, role, landing):
    response = login(clinic.role(role)).get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(landing)
    assert login(clinic.role(role)).get(response.url).status_code == 200


def test_anonymous_visitor_is_sent_to_login(clinic, login):
    response = login(None).get(reverse("clinician_home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("page", ["clinician_home", "admin_home", "client_list"])
def test_family_member_gets_404_on_staff_pages(clinic, login, page):
    assert login(clinic.family_a).get(reverse(page)).status_code == 404


def test_clinician_gets_403_on_admin_home(clinic, login):
    assert login(clinic.clinician_1).get(reverse("admin_home")).status_code == 403


def test_staff_get_403_on_family_portal(clinic, login):
    assert login(clinic.clinician_1).get(reverse("families:home")).status_code == 403


def test_clinician_sees_only_clients_of_own_cohort(clinic, login):
    page = login(clinic.clinician_1).get(reverse("client_list")).content.decode()
    assert clinic.client_a.legal_last_name in page
    assert clinic.client_b.legal_last_name not in page


def test_clinician_of_other_cohort_gets_404_for_profile(clinic, login):
    url = reverse("client_profile", args=[clinic.client_a.pk])
    assert login(clinic.clinician_2).get(url).status_code == 404
    assert login(clinic.clinician_1).get(url).status_code == 200


def test_program_admin_sees_every_client_profile(clinic, login):
    for client in (clinic.client_a, clinic.client_b):
        assert login(clinic.admin).get(reverse("client_profile", args=[client.pk])).status_code == 200


def test_family_portal_shows_only_own_child(clinic, login):
    page = login(clinic.family_a).get(reverse("families:home")).content.decode()
    assert clinic.client_a.first_name in page
    assert clinic.client_b.first_name not in page
    assert clinic.client_b.legal_last_name not in page


def test_suspended_family_link_hides_the_child(clinic, login):
    clinic.client_a.family_links.update(portal_suspended=True, suspended_reason="Contact at home may be unsafe")
    page = login(clinic.family_a).get(reverse("families:home")).content.decode()
    assert clinic.client_a.first_name not in page


def test_error_pages_are_friendly(clinic, login, settings):
    settings.DEBUG = False
    response = login(clinic.family_a).get("/no/such/page/")
    assert response.status_code == 404
    assert "find that page" in response.content.decode()


def test_clinician_home_links_clients_to_their_chart_and_other_staff_to_the_profile(clinic, login):
    page = login(clinic.clinician_1).get(reverse("clinician_home")).content.decode()
    assert f'href="{reverse("clinicians:chart", args=[clinic.client_a.pk])}"' in page
    assert reverse("clinicians:chart", args=[clinic.client_b.pk]) not in page
    page = login(clinic.admin).get(reverse("clinician_home")).content.decode()
    for client in (clinic.client_a, clinic.client_b):
        assert f'href="{reverse("client_profile", args=[client.pk])}"' in page
        assert reverse("clinicians:chart", args=[client.pk]) not in page


def test_a_refused_page_says_why_in_the_words_of_the_role(clinic, login):
    chart = reverse("clinicians:chart", args=[clinic.client_a.pk])
    office = login(clinic.admin).get(chart)
    assert office.status_code == 403
    assert "the program office works from the client's profile and the schedule" in office.content.decode()
    assert "ask your program admin" not in office.content.decode()
    clinician = login(clinic.clinician_2).get(reverse("staff_list"))
    assert clinician.status_code == 403 and "ask your program admin" in clinician.content.decode()


def test_admin_home_says_which_background_process_went_silent_and_what_waits(clinic, login):
    import datetime

    from django.utils import timezone

    from iop.models import Heartbeat

    now = timezone.now()
    Heartbeat.objects.create(name="worker", seen_at=now)
    Heartbeat.objects.create(name="reports", seen_at=now - datetime.timedelta(minutes=20))
    page = login(clinic.admin).get(reverse("admin_home")).content.decode()
    section = page[page.index('id="workers-heading"') :]
    lines = {line.split("</span>")[1].split(":")[0].strip(): line for line in section.split("<li>")[1:]}
    assert set(lines) == {"Background worker", "Report worker", "Scheduler (beat)"}
    assert "running" in lines["Background worker"]
    assert "silent" in lines["Report worker"] and "progress reports wait until it is back" in lines["Report worker"]
    assert "not seen" in lines["Scheduler (beat)"]


def test_admin_home_names_who_still_leads_clients_or_a_cohort_after_leaving(clinic, login):
    page = login(clinic.admin).get(reverse("admin_home")).content.decode()
    assert "Still led by someone who can no longer lead" not in page
    leaver = clinic.clinician_1
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])

    page = login(clinic.admin).get(reverse("admin_home")).content.decode()

    assert "Still led by someone who can no longer lead" in page
    line = page[page.index(reverse("staff_edit", args=[leaver.pk])) :].split("</li>")[0]
    assert "lead clinician of 1 admitted client" in line and f"lead of {clinic.client_a.cohort.name}" in line
    assert str(clinic.clinician_2) not in page.split("Still led by")[1].split("</div>")[0]
