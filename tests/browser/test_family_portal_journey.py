"""The demo parent on a phone: signs in, reads this week's skill summary for
Maya, switches to Mateo, then to Spanish, and sees the portal in Spanish."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]

PHONE = {"width": 375, "height": 740}


def serious_violations(page):
    # Colours are read once a button's transition (focus, press) has ended: on a busy
    # machine axe could otherwise catch it halfway between two colours.
    page.wait_for_function("() => document.getAnimations().length === 0")
    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_parent_reads_the_summary_and_switches_to_spanish_on_a_phone(
    demo_clinic, live_server, page, sign_in, screenshot
):
    page.set_viewport_size(PHONE)
    sign_in(page, "parent@demo.clinic")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Rosa")
    expect(page.get_by_role("heading", name="Maya's week")).to_be_visible()
    screenshot(page, "family-portal-home-phone")
    assert not serious_violations(page)

    page.get_by_role("link", name="Read this week's summary").click()
    expect(page.get_by_role("heading", name="How you can help")).to_be_visible()
    expect(page.get_by_role("heading", name="A note from the team")).to_be_visible()
    screenshot(page, "family-portal-summary-phone")
    assert not serious_violations(page)

    page.get_by_role("link", name="Maya's week").click()
    page.get_by_role("navigation", name="Your children").get_by_role("link", name="Mateo").click()
    expect(page.get_by_role("heading", name="Mateo's week")).to_be_visible()
    expect(page.get_by_text("Elijah")).to_have_count(0)

    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", name="La semana de Mateo")).to_be_visible()
    expect(page.get_by_role("heading", name="La habilidad de esta semana")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    screenshot(page, "family-portal-home-spanish-phone")
    assert not serious_violations(page)

    page.get_by_role("link", name="Leer el resumen de esta semana").click()
    expect(page.get_by_role("heading", name="Cómo puede ayudar")).to_be_visible()
    screenshot(page, "family-portal-summary-spanish-phone")
    assert not serious_violations(page)


def test_parent_copies_the_calendar_link_with_one_tap_on_a_phone(demo_clinic, live_server, page, sign_in):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.set_viewport_size(PHONE)
    sign_in(page, "parent2@demo.clinic")
    link = page.get_by_role("link", name="Calendar link")
    assert link.bounding_box()["height"] >= 38  # a button to tap, not a line of text
    link.click()
    page.get_by_role("button", name="Make my link").click()
    address = page.get_by_label("Your calendar link (keep it private)").input_value()
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_text("Link copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == address
    subscribe = page.get_by_role("link", name="Subscribe on this phone").get_attribute("href")
    assert subscribe == "webcal://" + address.split("://", 1)[1]
    assert serious_violations(page) == []


#: What a thumb taps on the family pages: buttons, the menu button, and links that stand
#: on their own (a link inside a sentence is read, not aimed at).
TAP_TARGETS = """() => [...document.querySelectorAll(
  '.navbar-toggler, main .btn, main p > a:only-child, main li > a:first-child'
)].filter(el => el.offsetParent !== null).map(el => ({
  name: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40),
  height: el.getBoundingClientRect().height,
}))"""


def test_what_a_parent_taps_on_a_phone_is_at_least_44_px_high(demo_clinic, live_server, page, sign_in):
    page.set_viewport_size(PHONE)
    sign_in(page, "parent@demo.clinic")
    pages = [
        ("link", "Past weeks' skills"),
        ("link", "Maya's week"),
        ("link", "How we contact you"),
    ]
    measured = [(page.url, t) for t in page.evaluate(TAP_TARGETS)]
    for role, name in pages:
        page.get_by_role(role, name=name).first.click()
        page.wait_for_load_state()
        measured += [(page.url, t) for t in page.evaluate(TAP_TARGETS)]
    assert len(measured) >= 10
    assert [(url, t) for url, t in measured if t["height"] < 44] == []
