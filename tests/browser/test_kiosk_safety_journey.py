"""A teen completes a PHQ-A on the clinic tablet with item 9 above 0; the demo
clinician's pages then carry the safety alert until it is handled."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from clinicians.models import SafetyAlert
from iop.models import Client, OutboxMessage, User

pytestmark = pytest.mark.browser

CLINICIAN = "clinician@demo.clinic"  # lead of the Teens group


def assert_accessible(page):
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [(n["html"], n.get("failureSummary")) for n in v["nodes"]]) for v in violations]


def test_teen_kiosk_phqa_with_item_9_puts_the_alert_on_the_clinicians_pages(
    demo_clinic, live_server, page, sign_in, screenshot
):
    client = Client.objects.get(chart_number="T-1001")
    clinician = User.objects.get(email=CLINICIAN)
    shot = screenshot
    sign_in(page, CLINICIAN)
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
        page.locator("fieldset", has=page.locator("legend", has_text=f"{number}.")).get_by_label(
            label, exact=True
        ).check()
    assert_accessible(page)
    shot(page, "kiosk-phqa-answered")
    page.get_by_role("button", name="Send my answers").click()
    # The yes/no questions were left blank: the page says so once, answers kept.
    expect(page.get_by_text("You left 3 yes/no questions blank.")).to_be_visible()
    shot(page, "kiosk-blank-questions")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    shot(page, "kiosk-thank-you")

    alert = SafetyAlert.objects.get(client=client)
    assert alert.owner == clinician
    assert OutboxMessage.objects.filter(
        idempotency_key__startswith=f"safety_alert:{alert.pk}:", recipient=clinician, urgent=True
    ).exists()

    # The clinician signs back in: the banner is on every page until the alert is handled.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, CLINICIAN)
    for name, args in (("clinician_home", []), ("client_list", []), ("clinicians:caseload", [])):
        page.goto(live_server.url + reverse(name, args=args))
        banner = page.locator(".safety-banner li", has_text=client.display_name)
        expect(banner).to_contain_text("not yet acknowledged")
    shot(page, "caseload-with-alert-banner")
    assert_accessible(page)

    page.locator(".safety-banner").get_by_role("link", name=client.display_name).click()
    expect(page.get_by_role("heading", name=f"Safety alert: {client.display_name}")).to_be_visible()
    expect(page.locator("tr.table-danger")).to_contain_text("Several days")
    page.get_by_role("button", name="Acknowledge: I am seeing the client now").click()
    expect(page.locator("#alert-status")).to_have_text("Acknowledged")
    expect(page.locator(".safety-banner li", has_text=client.display_name)).to_contain_text(
        "risk assessment to document"
    )
    shot(page, "alert-acknowledged")

    page.get_by_label("Low risk (wish to be dead or non-specific thoughts)").check()
    page.get_by_label("Home with family and a safety plan").check()
    page.get_by_label("Safety plan created").check()
    page.get_by_label("Family contacted").check()
    page.get_by_label("Assessment notes").fill(
        "Passive thoughts on two days; no plan, no intent. Safety plan written with her and her mother."
    )
    page.get_by_role("button", name="Save and close the alert").click()
    # "Created" needs the plan signed: it opens in a new tab, and this form keeps what
    # was typed meanwhile.
    expect(page.get_by_text("No safety plan has been signed since this alert was raised.")).to_be_visible()
    # The page opens at the refused answer, not at its top.
    expect(page.get_by_label("Safety plan created")).to_be_focused()
    expect(page.get_by_text("No safety plan has been signed since this alert was raised.")).to_be_in_viewport()
    shot(page, "alert-safety-plan-not-signed-yet")
    assert_accessible(page)  # the alert page, its form refused, the safety plan panel
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Write safety plan (opens in a new tab)").click()
    plan_tab = opened.value
    expect(plan_tab.get_by_role("heading", name="Safety plan, draft version 1")).to_be_visible()
    steps = {
        "1. Warning signs": "Scrolling late at night; not answering texts.",
        "2. Internal coping strategies": "Cold water on my face, my calm playlist.",
        "4. People I can ask for help": "Mom: (555) 010-2231.",
        "6. Making the environment safe": "Mom keeps medications in the locked box.",
    }
    plan_tab.get_by_label(list(steps)[0]).fill(steps.pop("1. Warning signs"))
    plan_tab.get_by_role("button", name="Save and sign").click()
    # Signing with steps still empty names them; the draft so far is kept on the page.
    expect(plan_tab.get_by_text("Needed to sign: write this step with the client.")).to_have_count(3)
    for label, text in steps.items():
        plan_tab.get_by_label(label).fill(text)
    plan_tab.get_by_role("button", name="Save and sign").click()
    expect(plan_tab.get_by_text("Safety plan signed.")).to_be_visible()
    plan_tab.close()
    page.bring_to_front()
    # Back on the alert, its safety plan line has caught up with the signing. (Headless
    # Chromium treats every tab as focused, so the window's focus event a browser sends
    # on coming back to a tab is sent here by hand.)
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(page.locator("#alert-safety-plan")).to_contain_text("signed since this alert")
    # The keyboard stays where it was: on the panel's button, now offering the next version.
    expect(page.get_by_role("button", name="Update safety plan (opens in a new tab)")).to_be_focused()
    expect(page.get_by_label("Assessment notes")).to_have_value(
        "Passive thoughts on two days; no plan, no intent. Safety plan written with her and her mother."
    )
    page.get_by_role("button", name="Save and close the alert").click()
    expect(page.locator("#alert-status")).to_have_text("Closed")
    # The demo's other open alert stays; this client's is gone.
    expect(page.locator(".safety-banner li", has_text=client.display_name)).to_have_count(0)
    shot(page, "alert-closed")

    page.goto(live_server.url + reverse("clinicians:client_measures", args=[client.pk]))
    expect(page.locator("figure img")).to_be_visible()
    assert page.locator("figure img").evaluate("img => img.naturalWidth") > 0
    shot(page, "client-measures")
    assert_accessible(page)
