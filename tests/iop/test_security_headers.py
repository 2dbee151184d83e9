"""Pages carry a Content-Security-Policy without inline scripts, and refuse framing."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_send_a_strict_content_security_policy(clinic, login):
    response = login(clinic.clinician_1).get(reverse("clinician_home"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_only_scripts_are_files_or_carry_the_nonce(clinic, login):
    response = login(clinic.clinician_1).get(reverse("clinician_home"))
    page = response.content.decode()
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    for tag in page.split("<script")[1:]:
        opening = tag.split(">")[0]
        assert "src=" in opening or f'nonce="{nonce}"' in opening, opening


def test_no_inline_style_attributes(clinic, login):
    page = login(clinic.clinician_1).get(reverse("clinician_home")).content.decode()
    assert ' style="' not in page


@pytest.mark.parametrize(
    ("role", "name", "with_client"),
    [("clinician_1", "clinicians:chart", True), ("admin", "admin_home", False), ("family_a", "families:home", False)],
)
def test_no_signed_in_page_is_kept_by_the_browser(clinic, login, role, name, with_client):
    """Back after signing out on a shared computer must not show the page again."""
    url = reverse(name, args=[clinic.client_a.pk] if with_client else [])
    cache_control = login(clinic.role(role)).get(url).headers["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_a_page_that_also_answers_htmx_with_a_fragment_varies_on_it(clinic, login):
    from tests.factories import AdministrationFactory

    AdministrationFactory(client=clinic.client_a, answers={f"phq9_{n}": 1 for n in range(1, 10)})
    alert = clinic.client_a.safety_alerts.get()
    response = login(clinic.clinician_1).get(reverse("clinicians:alert", args=[alert.pk]))
    assert "HX-Request" in response.headers["Vary"]


def test_a_timeline_row_answers_htmx_with_its_content_and_varies_on_it(clinic, login):
    from tests.factories import charted_evening

    evening = charted_evening(clinic.client_a)
    url = reverse("clinicians:chart_entry", args=[clinic.client_a.pk, evening.entries.get().pk])
    response = login(clinic.clinician_1).get(url, HTTP_HX_REQUEST="true")
    assert "HX-Request" in response.headers["Vary"]
