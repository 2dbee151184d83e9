"""A clinician requests a family progress report from Maya's chart, watches it
render without reloading, releases it; her mother finds it on her phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils.formats import date_format
from playwright.sync_api import expect

from clinicians import reports
from clinicians.models import ProgressReport
from iop.models import Client

pytestmark = pytest.mark.browser

SUMMARY = "Maya joins in every evening and has been practising at home."


def assert_accessible(page):
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [n["html"] for n in v["nodes"]]) for v in violations]


def test_family_report_requested_watched_released_and_downloaded(demo_clinic, live_server, page, sign_in, screenshot):
    maya = Client.objects.get(chart_number="T-1001")
    sign_in(page, "clinician@demo.clinic")
    page.goto(live_server.url + reverse("clinicians:chart", args=[maya.pk]))
    page.get_by_role("navigation", name="Chart sections").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Request a progress report").click()
    # Each variant's own fields show only when it is chosen.
    diagnosis = page.get_by_label("Diagnosis")
    language = page.get_by_label("Language (family report)")
    page.get_by_label("Payer (continued-stay review)").check()
    expect(diagnosis).to_be_visible()
    expect(language).to_be_hidden()
    page.get_by_label("Family", exact=True).check()
    expect(diagnosis).to_be_hidden()
    expect(language).to_be_visible()
    page.get_by_label("Clinician summary").fill(SUMMARY)
    assert_accessible(page)
    page.get_by_role("button", name="Request report").click()

    expect(page.locator("#report-status")).to_contain_text("Queued")
    report = ProgressReport.objects.get(summary=SUMMARY)
    assert reports.render(report.pk).status == "ready"  # as the worker would
    # The panel asks again by itself: the download appears without a reload.
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible(timeout=10_000)
    assert_accessible(page)
    screenshot(page, "report-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.get_by_role("button", name="Release to family").click()
    expect(page.get_by_text("Released to the family")).to_be_visible()

    page.set_viewport_size({"width": 375, "height": 812})
    page.context.clear_cookies()
    sign_in(page, "parent@demo.clinic")
    page.goto(live_server.url + reverse("families:child_home", args=[maya.pk]))
    start = date_format(report.period_start, "j F Y")
    link = page.get_by_role("link", name=f"Progress report, {start}", exact=False).first
    expect(link).to_be_visible()
    screenshot(page, "family-report-listed")
