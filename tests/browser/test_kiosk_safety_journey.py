"""A teen completes a PHQ-A on the clinic tablet with item 9 above 0; the lead
clinician's pages then carry the safety alert until it is handled."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from clinicians.models import SafetyAlert
from iop.models import OutboxMessage
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page, live_server, user):
    page.goto(live_server.url + reverse("account_login"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def assert_accessible(page):
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [(n["html"], n.get("failureSummary")) for n in v["nodes"]]) for v in violations]


def test_teen_kiosk_phqa_with_item_9_puts_the_alert_on_the_clinicians_pages(clinic, live_server, page):
    client = clinic.client_a
    sign_in(page, live_server, clinic.clinician_1)
    page.goto(live_server.url + reverse("clinicians:client_measures", args=[client.pk]))
    phqa_card = page.locator(".card", has_text="PHQ-A")
    phqa_card.get_by_role("button", name="Start on this tablet").click()

    # The tablet now shows only the questionnaire: no menu, no names.
    page.wait_for_url("**/check-in/**")
    expect(page.get_by_role("heading", name="Check-in questions")).to_be_visible()
    assert client.legal_last_name not in page.content()
    assert page.locator("nav").count() == 0
    page.set_viewport_size({"width": 390, "height": 844})  # a phone-sized tablet view
    answers = {1: "Several days", 2: "More than half the days", 3: "Several days", 4: "Not at all", 5: "Several days"}
    answers |= {6: "More than half the days", 7: "Several days", 8: "Not at all", 9: "Several days"}
    for number, label in answers.items():
        page.locator("fieldset", has=page.locator("legend", has_text=f"{number}.")).get_by_label(label, exact=True).check()
    assert_accessible(page)
    shot(page, "kiosk-phqa-answered")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    shot(page, "kiosk-thank-you")

    alert = SafetyAlert.objects.get()
    assert alert.owner == clinic.clinician_1
    assert OutboxMessage.objects.filter(kind="safety_alert", recipient=clinic.clinician_1, urgent=True).exists()

    # The clinician signs back in: the banner is on every page until the alert is handled.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, clinic.clinician_1)
    for name, args in (("clinician_home", []), ("client_list", []), ("clinicians:caseload", [])):
        page.goto(live_server.url + reverse(name, args=args))
        banner = page.locator(".safety-banner")
        expect(banner).to_contain_text(client.display_name)
        expect(banner).to_contain_text("not yet acknowledged")
    shot(page, "caseload-with-alert-banner")
    assert_accessible(page)

    page.locator(".safety-banner").get_by_role("link", name=client.display_name).click()
    expect(page.get_by_role("heading", name=f"Safety alert: {client.display_name}")).to_be_visible()
    expect(page.locator("tr.table-danger")).to_contain_text("Several days")
    page.get_by_role("button", name="Acknowledge: I am seeing the client now").click()
    expect(page.locator("#alert-status")).to_have_text("Acknowledged")
    expect(page.locator(".safety-banner")).to_contain_text("risk assessment to document")
    shot(page, "alert-acknowledged")

    page.get_by_label("Low risk (wish to be dead or non-specific thoughts)").check()
    page.get_by_label("Home with family and a safety plan").check()
    page.get_by_label("Safety plan reviewed and updated").check()
    page.get_by_label("Family contacted").check()
    page.get_by_label("Assessment notes").fill("Passive thoughts on two days; no plan, no intent. Plan reviewed with mother.")
    page.get_by_role("button", name="Save and close the alert").click()
    expect(page.locator("#alert-status")).to_have_text("Closed")
    expect(page.locator(".safety-banner")).to_have_count(0)
    shot(page, "alert-closed")

    page.goto(live_server.url + reverse("clinicians:client_measures", args=[client.pk]))
    expect(page.locator("figure img")).to_be_visible()
    assert page.locator("figure img").evaluate("img => img.naturalWidth") > 0
    shot(page, "client-measures")
    assert_accessible(page)
