"""The main menu fits the window at laptop and desktop widths for every kind of
staff user (the program admin's and superuser's menus are the longest): no page
wider than the screen, and Sign out in reach."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("email", ["clinician@demo.clinic", "admin@demo.clinic", "superuser@demo.clinic"])
def test_menu_fits_the_window_at_every_width(demo_clinic, live_server, page, sign_in, screenshot, email):
    sign_in(page, email)
    for width in (992, 1024, 1280, 1366, 1600):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server.url + reverse("client_list"))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (width, overflow)
        toggler = page.get_by_role("button", name="Menu")
        if toggler.is_visible():
            toggler.click()
        sign_out = page.get_by_role("button", name="Sign out")
        expect(sign_out).to_be_visible()
        box = sign_out.bounding_box()
        assert box["x"] + box["width"] <= width, width
        screenshot(page, f"menu-{email.split('@')[0]}-{width}")
