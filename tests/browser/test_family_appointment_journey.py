"""A clinician books a family check-in from the chart on a phone; the parent then
sees it on her home page (when, how, with whom), and nothing else about it."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from iop.models import Client

pytestmark = [pytest.mark.browser]

PHONE = {"width": 375, "height": 740}


def serious_violations(page):
    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_clinician_books_a_check_in_and_the_parent_sees_it(demo_clinic, live_server, page, sign_in, screenshot):
    maya = Client.objects.get(chart_number="T-1001")
    day = timezone.localdate() + datetime.timedelta(days=3)
    page.set_viewport_size(PHONE)
    sign_in(page, "clinician@demo.clinic")
    page.goto(live_server.url + reverse("clinicians:chart", args=[maya.pk]))
    page.get_by_role("navigation", name="Chart sections").get_by_role("link", name="Family").click()
    page.get_by_role("link", name="Upcoming family appointments: book, change or cancel").click()
    expect(page.get_by_role("heading", name="Family sessions and check-ins")).to_be_visible()
    page.get_by_role("link", name="Book a family session or check-in").click()

    page.get_by_label("Kind").select_option(label="Family check-in")
    page.get_by_label("Date").fill(day.isoformat())
    # Before group (17:30), whatever day of the week three days from now is.
    page.get_by_label("Time").fill("16:30")
    page.get_by_label("Duration (minutes)").fill("20")
    page.get_by_label("How").select_option(label="Video")
    page.get_by_label("Rosa Alvarez (Mother)").check()
    assert not serious_violations(page)
    page.get_by_role("button", name="Book").click()

    expect(page.get_by_text("Invited family members who may be contacted are told at once")).to_be_visible()
    expect(page.locator("#appointments")).to_contain_text("16:30")
    screenshot(page, "family-appointment-booked-phone")
    assert not serious_violations(page)

    page.context.clear_cookies()
    sign_in(page, "parent@demo.clinic")
    sessions = page.get_by_role("region", name="Family sessions")
    expect(sessions).to_contain_text(f"{day:%A} {day.day} {day:%B}, 16:30")
    expect(sessions).to_contain_text("Family check-in · Video · with Jordan Reyes")
    screenshot(page, "family-portal-appointments-phone")
    assert not serious_violations(page)
