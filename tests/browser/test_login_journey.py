"""Each demo user signs in and lands on their own home page; a family member
cannot open a staff page."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize(
    ("email", "heading", "path"),
    [
        ("clinician@demo.clinic", "Good to see you, Jordan", "/staff/clinician/"),
        ("admin@demo.clinic", "Evening IOP for Teens & Tweens", "/staff/admin/"),
        ("parent@demo.clinic", "Welcome, Rosa", "/family/"),
    ],
)
def test_demo_user_signs_in_and_sees_own_home(
    demo_clinic, live_server, page, sign_in, screenshot, email, heading, path
):
    sign_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert page.url == f"{live_server.url}{path}"
    screenshot(page, f"home-{email.split('@')[0]}")


def test_parent_sees_own_children_on_a_phone_and_cannot_open_staff_pages(
    demo_clinic, live_server, page, sign_in, screenshot
):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, "parent@demo.clinic")
    expect(page.get_by_role("heading", name="Maya's week")).to_be_visible()
    expect(page.get_by_role("navigation", name="Your children").get_by_role("link", name="Mateo")).to_be_visible()
    expect(page.get_by_text("Elijah")).to_have_count(0)
    screenshot(page, "family-home-phone")
    response = page.goto(f"{live_server.url}/clients/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("couldn't find that page")


def test_wrong_password_keeps_the_email_and_says_why(demo_clinic, live_server, page, sign_in):
    sign_in(page, "clinician@demo.clinic", password="not-my-password")
    expect(page.get_by_label("Email")).to_have_value("clinician@demo.clinic")
    expect(page.get_by_text("not correct")).to_be_visible()
