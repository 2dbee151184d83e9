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
