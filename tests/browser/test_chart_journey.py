"""The demo clinician opens a client's chart, writes an individual check-in,
signs it, and sees it locked with the option to add an addendum."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]


def answer_dialogs(page, accept):
    """Answer every dialog the page opens (OK or Cancel); returns the list of their types as they come."""
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    return asked


def test_clinician_writes_and_signs_a_check_in_from_the_chart(demo_clinic, live_server, page, sign_in, screenshot):
    sign_in(page, "clinician@demo.clinic")
    page.get_by_role("row", name="Maya Alvarez").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya Alvarez")
    expect(page.get_by_text("of stay")).to_be_visible()
    screenshot(page, "chart-maya")
    page.get_by_role("link", name="New individual check-in").click()
    page.get_by_label("Duration (minutes)").fill("20")
    page.get_by_label("What happened").fill("Talked about getting to first period; used opposite action twice.")
    # A link away with the words not saved asks first; staying keeps them.
    asked = answer_dialogs(page, accept=False)
    page.get_by_role("link", name="Chart: Maya Alvarez").first.click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(page.get_by_label("What happened")).to_have_value(re.compile("first period"))
    page.get_by_label("Plan").fill("Keep the morning card by the bed.")
    page.get_by_role("button", name="Save and sign").click()
    expect(page.get_by_text("Signed and locked")).to_be_visible()
    expect(page.get_by_text("Talked about getting to first period")).to_be_visible()
    expect(page.get_by_role("link", name="Edit draft")).to_have_count(0)
    expect(page.get_by_role("button", name="Add addendum")).to_be_visible()
    screenshot(page, "check-in-signed")
    page.get_by_label("Addendum").fill("Mother called after: Maya got to first period today.")
    page.get_by_role("button", name="Add addendum").click()
    expect(page.get_by_text("Mother called after")).to_be_visible()
    expect(page.get_by_text("Talked about getting to first period")).to_be_visible()


def test_clinician_adds_an_objective_row_to_a_new_plan_version(demo_clinic, live_server, page, sign_in, screenshot):
    sign_in(page, "clinician@demo.clinic")
    page.get_by_role("row", name="Sofia Nguyen").get_by_role("link").click()
    page.get_by_role("navigation", name="Chart sections").get_by_role("link", name="Treatment plan").click()
    page.get_by_role("button", name="Revise plan (new version)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("draft version 2")
    blank_rows = page.locator("#objectives-rows > div").count()
    page.get_by_role("button", name="Add an objective").click()
    expect(page.locator("#objectives-rows > div")).to_have_count(blank_rows + 1)
    row = page.locator("#objectives-rows > div").last
    row.get_by_label("Objective*").fill("Sofia eats breakfast before school 4 mornings a week.")
    row.get_by_label("Measure*").select_option("self_report")
    row.get_by_label("Target date*").fill(f"{timezone.localdate() + datetime.timedelta(days=42):%Y-%m-%d}")
    row.get_by_label("How measured*").fill("Morning check sheet")
    page.get_by_role("button", name="Save draft and add rows").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.get_by_text("Sofia eats breakfast before school 4 mornings a week.")).to_be_visible()
    screenshot(page, "plan-draft-objective-added")
    # Discarding a draft with words just typed asks once (the discard's own question),
    # not again with "leave this page?".
    row = page.locator("#objectives-rows > div").last
    row.get_by_label("Objective*").fill("Sofia eats breakfast 5 mornings a week.")
    asked = answer_dialogs(page, accept=True)
    page.get_by_role("button", name="Discard draft v2").click()
    expect(page.get_by_text("Draft v2 discarded.")).to_be_visible()
    assert asked == ["confirm"]


def test_clinician_opens_a_group_evening_row_of_the_timeline_by_keyboard(
    demo_clinic, live_server, page, sign_in, screenshot
):
    """A row's group note and entry are fetched when it is opened (Enter on its
    summary, as a mouse click would), and that opening is what is recorded."""
    from iop.models import AuditEntry

    sign_in(page, "clinician@demo.clinic")
    page.get_by_role("row", name="Maya Alvarez").get_by_role("link").click()
    row = page.locator("#notes details").first
    # Closed, it holds only a link to the same content as a page (for a browser without scripts).
    expect(row.locator(".entry-details a")).to_have_text("Open the group note and entry")
    assert not AuditEntry.objects.filter(event="view_group_note").exists()
    row.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(row.get_by_text("Skill of the week:")).to_be_visible()
    expect(row.get_by_text("Progress toward their plan:")).to_be_visible()
    expect(row.locator(".entry-details a")).to_have_count(0)
    screenshot(page, "chart-group-entry-opened")
    assert AuditEntry.objects.filter(event="view_group_note", actor__email="clinician@demo.clinic").count() == 2
    # Closed and opened again, it is not fetched a second time.
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(row.get_by_text("Skill of the week:")).to_be_visible()
    assert AuditEntry.objects.filter(event="view_group_note").count() == 2


@pytest.mark.console_errors("htmx:sendError", "htmx:afterRequest", "net::ERR_FAILED")
def test_a_row_that_cannot_load_says_so_and_keeps_its_link(demo_clinic, live_server, page, sign_in):
    sign_in(page, "clinician@demo.clinic")
    page.get_by_role("row", name="Maya Alvarez").get_by_role("link").click()
    page.route("**/chart/entries/**", lambda route: route.abort())  # the network drops
    row = page.locator("#notes details").first
    row.locator("summary").click()
    expect(row.get_by_role("alert")).to_contain_text("could not be loaded")
    expect(row.get_by_role("link", name="Open the group note and entry")).to_be_visible()
