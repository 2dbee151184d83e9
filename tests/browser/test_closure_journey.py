"""An admin enters a closure and sees the week calendar show the evening as cancelled."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from groups import schedule
from groups.recurrence import week_start
from tests import factories

SCREENSHOTS = "test-artifacts/screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_closes_a_day_and_the_week_calendar_shows_it_cancelled(live_server, page):
    admin = factories.ProgramAdminFactory(email="admin@example.test")
    cohort = factories.CohortFactory(name="Teens 14-17")
    factories.EnrollmentFactory(client=factories.ClientFactory(cohort=cohort), cohort=cohort)
    monday = week_start(timezone.localdate()) + datetime.timedelta(weeks=1)
    schedule.generate(cohort, monday, monday + datetime.timedelta(days=6))
    thursday = monday + datetime.timedelta(days=3)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    page.get_by_role("link", name="Closures").click()

    page.get_by_label("First day").fill(f"{thursday:%Y-%m-%d}")
    page.get_by_label("Last day").fill(f"{thursday:%Y-%m-%d}")
    page.get_by_label("Reason").select_option("holiday")
    page.get_by_label("Note").fill("Thanksgiving")
    page.get_by_role("button", name="Show the evenings it cancels").click()
    expect(page.get_by_text("This closure will cancel 1 evening")).to_be_visible()
    # A day changed after the list was shown: the page says the list is out of date.
    page.get_by_label("Last day").fill(f"{thursday + datetime.timedelta(days=1):%Y-%m-%d}")
    page.get_by_label("Last day").dispatch_event("change")
    expect(page.get_by_text("You changed the days or the cohort")).to_be_visible()
    page.get_by_label("Last day").fill(f"{thursday:%Y-%m-%d}")
    page.get_by_role("button", name="Show the evenings it cancels").click()
    expect(page.get_by_text("This closure will cancel 1 evening")).to_be_visible()
    expect(page.get_by_text("You changed the days or the cohort")).to_be_hidden()
    # Keyboard: the page opens at the list of evenings; the next Tab is the button that saves.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save closure and cancel these evenings")).to_be_focused()
    page.keyboard.press("Enter")

    day = page.locator(
        "section.week-day", has=page.get_by_role("heading", name=re.compile(f"{thursday:%a} {thursday.day} "))
    )
    expect(day.locator(".session-card.is-cancelled")).to_have_count(1)
    expect(day.get_by_text("Cancelled", exact=True)).to_be_visible()
    expect(page.locator(".session-card.is-cancelled")).to_have_count(1)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=f"{SCREENSHOTS}/closure-week-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SCREENSHOTS}/closure-week-phone.png", full_page=True)
