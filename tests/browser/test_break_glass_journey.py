"""Break the glass in the demo clinic: the Teens co-facilitator's colleague from
Tweens opens a Teens client by chart number and reason, reads it read-only and
ends the access when done; the Teens lead sees it;
the privacy officer reviews it, on a phone-sized screen, with no serious axe findings."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]

REASON = "Covering Teens tonight; Amara asked for her safety plan and her lead is out."


def serious_violations(page):
    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_emergency_access_from_chart_number_to_privacy_review(demo_clinic, live_server, page, sign_in, screenshot):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, "tweens.cofacilitator@demo.clinic")
    page.goto(f"{live_server.url}/clients/")
    page.get_by_label("Client outside my cohorts (chart number)").fill("T-1005")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access")
    assert not serious_violations(page)
    page.get_by_label("Why do you need this client's record now?").fill("need it")
    page.get_by_role("button", name="Open the record (emergency access)").click()
    expect(page.get_by_label("Why do you need this client's record now?")).to_have_value("need it")
    page.get_by_label("Why do you need this client's record now?").fill(REASON)
    page.get_by_role("button", name="Open the record (emergency access)").click()
    expect(page.get_by_text("Emergency access is open until")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="read-only, until")).to_be_visible()
    expect(page.get_by_role("link", name="New individual check-in")).to_have_count(0)
    screenshot(page, "break-glass-chart-phone")
    # Done before the hours are up: the record closes now.
    page.get_by_role("button", name="I'm done: end emergency access now").click()
    expect(page.get_by_text("Your emergency access to")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "clinician@demo.clinic")
    expect(page.get_by_role("heading", name="Emergency access to your clients")).to_be_visible()
    expect(page.get_by_text(REASON)).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "admin@demo.clinic")
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_text(REASON)).to_be_visible()
    assert not serious_violations(page)
    screenshot(page, "audit-review-phone")
    reviews = page.get_by_role("button", name="Mark reviewed")
    before = reviews.count()
    page.once("dialog", lambda dialog: dialog.dismiss())  # asked first: a slip of the thumb changes nothing
    reviews.last.click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Marked reviewed.")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark reviewed")).to_have_count(before)
    page.once("dialog", lambda dialog: dialog.accept())
    reviews.last.click()
    expect(page.get_by_text("Marked reviewed.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark reviewed")).to_have_count(before - 1)
