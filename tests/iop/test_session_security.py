"""Staff two-factor where required, and idle time-outs: 15 minutes for staff,
longer for families (45 CFR 170.315(d)(5))."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from iop.middleware import FAMILY_SESSION_REFRESH_SECONDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_required(settings):
    settings.IOP_REQUIRE_STAFF_MFA = True


@pytest.mark.parametrize("role", ["clinician_1", "admin", "superuser"])
def test_staff_without_two_factor_are_sent_to_enrol_first(mfa_required, clinic, login, role):
    response = login(clinic.role(role)).get(reverse("client_list"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_enrolment_is_reachable_while_enrolment_is_required(mfa_required, clinic, login):
    # allauth first asks for the password again (a fresh login), then shows the TOTP set-up.
    response = login(clinic.clinician_1).get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert all(url.startswith("/accounts/") for url, _status in response.redirect_chain)


def test_staff_with_totp_enrolled_go_straight_in(mfa_required, clinic, login):
    Authenticator.objects.create(user=clinic.clinician_1, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert login(clinic.clinician_1).get(reverse("client_list")).status_code == 200


def test_families_are_not_asked_for_two_factor(mfa_required, clinic, login):
    assert login(clinic.family_a).get(reverse("families:home")).status_code == 200


def test_demo_mode_does_not_force_enrolment(clinic, login, settings):
    settings.IOP_REQUIRE_STAFF_MFA = False
    assert login(clinic.clinician_1).get(reverse("client_list")).status_code == 200


def test_staff_session_ends_after_fifteen_idle_minutes(clinic, login):
    client = login(clinic.clinician_1)
    client.get(reverse("client_list"))
    assert client.session.get_expiry_age() == 15 * 60


def test_family_session_lasts_longer(clinic, login, settings):
    client = login(clinic.family_a)
    client.get(reverse("families:home"))
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE > 15 * 60


def test_an_expired_staff_session_sends_the_clinician_to_login(clinic, login, time_machine):
    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)
    client = login(clinic.clinician_1)
    client.get(reverse("client_list"))
    time_machine.shift(16 * 60)
    response = client.get(reverse("client_list"))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_staff_pages_carry_the_idle_warning(clinic, login):
    page = login(clinic.clinician_1).get(reverse("client_list")).content.decode()
    assert 'data-idle-timeout="900"' in page and 'id="idle-warning"' in page


def test_a_panel_polling_on_an_unattended_screen_does_not_keep_the_session_open(clinic, login, time_machine):
    """A report's status panel asks every few seconds while the report renders (and
    for as long as the report worker is down); it says X-Poll, and the staff session
    still ends fifteen minutes after the clinician's last request."""
    from django.utils import timezone

    from tests.factories import ProgressReportFactory

    report = ProgressReportFactory(client=clinic.client_a, requested_by=clinic.clinician_1)
    url = reverse("clinicians:report", args=[report.pk])
    time_machine.move_to(timezone.now(), tick=False)
    client = login(clinic.clinician_1)
    page = client.get(url)
    assert page.status_code == 200 and """hx-headers='{"X-Poll": "1"}'""" in page.content.decode()
    for _ in range(7):
        time_machine.shift(2 * 60)
        assert client.get(url, HTTP_HX_REQUEST="true", HTTP_X_POLL="1").status_code == 200
    time_machine.shift(2 * 60)  # 16 minutes after the last request of the clinician's own
    response = client.get(url, HTTP_HX_REQUEST="true", HTTP_X_POLL="1", HTTP_HX_CURRENT_URL=f"http://testserver{url}")
    # The whole page goes to sign in (and comes back), not the login form inside the panel.
    assert response["HX-Redirect"] == f"{reverse('account_login')}?next={url}"


def test_anything_the_clinician_does_still_keeps_the_session_open(clinic, login, time_machine):
    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)
    client = login(clinic.clinician_1)
    for _ in range(4):
        time_machine.shift(10 * 60)
        assert client.get(reverse("client_list")).status_code == 200


def _session_expiry(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


def test_a_family_session_moves_forward_at_most_every_few_minutes(clinic, login, frozen, settings):
    """Twelve hours from the last visit, give or take the few minutes between
    refreshes: pages a few seconds apart do not each write the session again."""
    client = login(clinic.family_a)
    client.get(reverse("families:home"))
    refreshed = _session_expiry(client)
    frozen.shift(60)
    client.get(reverse("families:home"))
    assert _session_expiry(client) == refreshed
    frozen.shift(FAMILY_SESSION_REFRESH_SECONDS)
    client.get(reverse("families:home"))
    moved = _session_expiry(client)
    assert moved - refreshed == datetime.timedelta(seconds=60 + FAMILY_SESSION_REFRESH_SECONDS)
    assert moved == timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_a_family_session_still_ends_twelve_hours_after_its_last_refresh(clinic, login, frozen, settings):
    client = login(clinic.family_a)
    for _ in range(3):  # visits hours apart each move the end forward
        frozen.shift(settings.SESSION_COOKIE_AGE // 2)
        assert client.get(reverse("families:home")).status_code == 200
    frozen.shift(settings.SESSION_COOKIE_AGE + 1)
    response = client.get(reverse("families:home"))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_a_staff_session_moves_forward_on_every_request(clinic, login, frozen):
    client = login(clinic.clinician_1)
    client.get(reverse("client_list"))
    first = _session_expiry(client)
    frozen.shift(30)
    client.get(reverse("client_list"))
    assert _session_expiry(client) - first == datetime.timedelta(seconds=30)
