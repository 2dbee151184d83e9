"""The main menu fits the window at laptop and desktop widths for every kind of
staff user (the program admin's and superuser's menus are the longest): no page
wider than the screen, and Sign out in reach."""

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone
from playwright.sync_api import expect

from clinicians.models import Administration
from iop.models import Client

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


def test_keyboard_focus_on_the_menu_is_plain_to_see(demo_clinic, live_server, page, sign_in, screenshot):
    """Every menu item shows a white outline when reached with Tab (the default blue
    ring barely shows on the navy header)."""
    sign_in(page, "admin@demo.clinic")
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(live_server.url + reverse("client_list"))
    seen = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el.closest('nav.navbar')) return null;
                const s = getComputedStyle(el);
                return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor};
            }"""
        )
        if style is None:
            if seen:
                break
            continue
        seen += 1
        assert style == {"style": "solid", "width": 3.0, "color": "rgb(255, 255, 255)"}, style
    assert seen >= 5
    screenshot(page, "menu-focus")


def test_tables_with_buttons_read_as_one_block_per_row_on_a_phone(demo_clinic, live_server, page, sign_in, screenshot):
    """At 390 px the chart's medications, the access page's grants, the client list, the
    measures caseload and a client's measures history do not scroll sideways: each
    row stacks, its cells named, its button or link in reach."""
    client = Client.objects.get(chart_number="T-1002")
    latest = Administration.objects.filter(client=client).latest("administered_at").administered_at
    page.set_viewport_size({"width": 390, "height": 844})
    checks = [
        (
            "prescriber@demo.clinic",
            reverse("clinicians:chart_section", args=[client.pk, "medications"]),
            "link",
            "Stop Sertraline",
        ),
        ("admin@demo.clinic", reverse("client_access", args=[client.pk]), "button", "Revoke Helen Okafor, NP's access"),
        ("admin@demo.clinic", reverse("client_list"), "link", client.display_name),
        ("clinician@demo.clinic", reverse("clinicians:caseload"), "link", client.display_name),
        (
            "clinician@demo.clinic",
            reverse("clinicians:client_measures", args=[client.pk]),
            "link",
            dateformat.format(timezone.localtime(latest), "D j M Y, H:i"),
        ),
    ]
    for number, (email, url, role, name) in enumerate(checks, 1):
        sign_in(page, email)
        page.goto(live_server.url + url)
        action = page.get_by_role(role, name=name)
        action.scroll_into_view_if_needed()
        expect(action).to_be_visible()
        box = action.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (url, box)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
        assert page.evaluate(
            "[...document.querySelectorAll('.table-stack')].every(t => t.scrollWidth <= t.parentElement.clientWidth)"
        ), url
        # The stacked table is this page's own, and nothing around it scrolls sideways instead.
        assert action.locator("xpath=ancestor::table[contains(@class, 'table-stack')]").count() == 1, url
        assert page.evaluate(
            "[...document.querySelectorAll('.table-responsive')].every(t => t.scrollWidth <= t.clientWidth)"
        ), url
        screenshot(page, f"phone-table-{number}-{email.split('@')[0]}")
        page.context.clear_cookies()  # the next person signs in afresh


def test_on_a_clinic_tablet_the_chart_s_controls_are_44_px_high(demo_clinic, live_server, browser, sign_in, screenshot):
    """A touch screen (pointer: coarse) gets finger-sized buttons, alert links, chart
    tabs and timeline toggles on the staff pages, as the family pages have on phones."""
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    page = context.new_page()
    sign_in(page, "clinician@demo.clinic")
    page.get_by_role("row", name="Maya Alvarez").get_by_role("link").click()
    page.wait_for_load_state()
    assert page.evaluate("() => matchMedia('(pointer: coarse)').matches")
    heights = page.evaluate(
        """() => [...document.querySelectorAll('main .btn, .safety-banner a, .chart-tabs a, main details > summary')]
        .filter(el => el.offsetParent !== null)
        .map(el => [el.innerText.trim().slice(0, 30), el.getBoundingClientRect().height])"""
    )
    assert len(heights) >= 5
    assert [(name, height) for name, height in heights if height < 44] == []
    screenshot(page, "chart-tablet-touch")
    context.close()
