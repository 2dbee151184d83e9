"""A clinician writing a safety plan with a client is not signed out while typing,
however long it takes without a page load; once they stop, the staff time-out
still ends the session."""

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from iop.models import Client

pytestmark = pytest.mark.browser


def test_typing_keeps_a_staff_session_and_idleness_still_ends_it(
    demo_clinic, live_server, page, sign_in, screenshot, settings
):
    settings.STAFF_SESSION_SECONDS = 6  # the warning shows 2 s before the end
    client = Client.objects.get(chart_number="T-1001")
    sign_in(page, "clinician@demo.clinic")
    page.goto(live_server.url + reverse("clinicians:chart", args=[client.pk]))
    page.get_by_role("button", name="Write safety plan").click()
    expect(page.get_by_role("heading", name="Safety plan, draft version 1")).to_be_visible()

    warning_signs = page.get_by_label("1. Warning signs")
    warning_signs.click()
    started = time.monotonic()
    while time.monotonic() - started < 10:  # well past the time-out, never a page load
        page.keyboard.type("Going quiet. ", delay=40)
        expect(page.locator("#idle-warning")).not_to_be_visible()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()  # the session was still open on the server
    assert "Going quiet." in page.get_by_label("1. Warning signs").input_value()
    screenshot(page, "idle-typing-kept-the-session")

    # Hands off the keyboard: warned, then signed out.
    expect(page.locator("#idle-warning")).to_be_visible(timeout=8000)
    page.wait_for_url("**/accounts/login/**", timeout=8000)


def test_typing_in_another_tab_keeps_this_tab_open_until_both_are_idle(
    demo_clinic, live_server, page, sign_in, settings
):
    settings.STAFF_SESSION_SECONDS = 6
    client = Client.objects.get(chart_number="T-1001")
    sign_in(page, "clinician@demo.clinic")
    chart = live_server.url + reverse("clinicians:chart", args=[client.pk])
    page.goto(chart)  # this tab is left alone, as the alert page is while its safety plan is written
    page.evaluate("window.halfTyped = 'an assessment'")  # gone if the tab ever leaves the page
    writing = page.context.new_page()
    writing.goto(chart)
    writing.get_by_role("button", name="Write safety plan").click()
    writing.get_by_label("1. Warning signs").click()
    started = time.monotonic()
    while time.monotonic() - started < 10:  # well past the time-out for the idle tab
        writing.keyboard.type("Going quiet. ", delay=40)
        expect(page.locator("#idle-warning")).not_to_be_visible()
    assert page.evaluate("window.halfTyped") == "an assessment"

    # Both tabs idle now: the first is warned and signed out too.
    page.wait_for_url("**/accounts/login/**", timeout=10000)
    writing.close()
