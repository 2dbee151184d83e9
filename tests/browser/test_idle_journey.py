"""A clinician writing a safety plan with a client is not signed out while typing,
however long it takes without a page load; once they stop, the staff time-out
still ends the session."""

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clinicians.models import SafetyPlan
from iop.models import Client
from tests.browser.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_typing_keeps_a_staff_session_and_idleness_still_ends_it(
    demo_clinic, live_server, page, sign_in, screenshot, settings
):
    settings.STAFF_SESSION_SECONDS = 6  # the warning shows 2 s before the end
    client = Client.objects.get(chart_number="T-1001")
    sign_in(page, "clinician@demo.clinic")
    page.goto(live_server.url + reverse("clinicians:chart_section", args=[client.pk, "safety-plan"]))
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
    chart = live_server.url + reverse("clinicians:chart_section", args=[client.pk, "safety-plan"])
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


def test_a_draft_typed_when_the_time_runs_out_is_saved_and_waits_after_sign_in(
    demo_clinic, live_server, page, sign_in, screenshot, settings
):
    settings.STAFF_SESSION_SECONDS = 6  # warned 2 s before the end, the draft saved 1 s before
    client = Client.objects.get(chart_number="T-1001")
    sign_in(page, "clinician@demo.clinic")
    page.goto(live_server.url + reverse("clinicians:chart_section", args=[client.pk, "safety-plan"]))
    page.get_by_role("button", name="Write safety plan").click()
    editor = page.url
    page.get_by_label("1. Warning signs").fill("Going quiet at dinner; gives away his games.")
    # Called away mid-sentence: nobody presses Save draft.
    page.wait_for_url("**/accounts/login/**draft=saved**", timeout=10000)
    expect(page.get_by_text("The draft you were writing was saved")).to_be_visible()
    expect(page.get_by_text("You have signed out.")).to_have_count(0)  # said once, with why
    screenshot(page, "idle-draft-saved-before-sign-out")
    plan = SafetyPlan.objects.get(client=client, signed_at__isnull=True)
    assert plan.warning_signs == "Going quiet at dinner; gives away his games."

    # The session is over on the server too: the chart asks for a sign-in.
    page.goto(live_server.url + reverse("clinicians:chart_section", args=[client.pk, "safety-plan"]))
    assert "/accounts/login/" in page.url
    page.go_back()
    # Signing in again leads back to the draft, as it was left.
    page.get_by_label("Email").fill("clinician@demo.clinic")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(editor)
    expect(page.get_by_label("1. Warning signs")).to_have_value("Going quiet at dinner; gives away his games.")


def test_a_page_left_without_typing_signs_out_as_before(demo_clinic, live_server, page, sign_in, settings):
    settings.STAFF_SESSION_SECONDS = 6
    client = Client.objects.get(chart_number="T-1001")
    sign_in(page, "clinician@demo.clinic")
    page.goto(live_server.url + reverse("clinicians:chart_section", args=[client.pk, "safety-plan"]))
    page.get_by_role("button", name="Write safety plan").click()
    page.wait_for_url("**/accounts/login/**signed_out=idle**", timeout=10000)
    assert "draft=" not in page.url
    expect(page.get_by_text("You were signed out after a spell without activity.")).to_be_visible()
