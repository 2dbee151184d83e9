"""axe-core on the main pages of each role, in Chromium: no serious or critical
violations. Staff pages at laptop size, family pages at phone size; each page is
also reached by keyboard from the skip link."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from clinicians.chart import SECTIONS
from clinicians.models import TreatmentPlan
from iop.models import Client

pytestmark = [pytest.mark.browser]

PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


def maya():
    return Client.objects.get(legal_first_name="Maya", legal_last_name="Alvarez")


def clinician_pages():
    client = maya()
    pages = [reverse("clinician_home"), reverse("client_list"), reverse("clinicians:chart", args=[client.pk])]
    pages += [reverse("clinicians:chart_section", args=[client.pk, section.slug]) for section in SECTIONS[1:]]
    pages.append(reverse("clinicians:client_measures", args=[client.pk]))
    pages.append(reverse("clinicians:client_notes", args=[client.pk]))
    pages.append(reverse("clinicians:caseload"))
    pages.append(reverse("families:summary_list"))
    plan = TreatmentPlan.objects.filter(client=client).order_by("-version").first()
    if plan is not None:
        pages.append(reverse("clinicians:plan", args=[plan.pk]))
    return pages


def admin_pages():
    return [
        reverse("admin_home"),
        reverse("groups:week"),
        reverse("groups:hours"),
        reverse("groups:cohort_list"),
        reverse("groups:closures"),
        reverse("groups:enrollment_list"),
        reverse("delivery_log"),
        reverse("families:member_list"),
        reverse("client_new"),
        reverse("client_edit", args=[maya().pk]),
        reverse("client_access", args=[maya().pk]),
        reverse("staff_list"),
        reverse("program_settings"),
        reverse("staff_new"),
        reverse("staff_edit", args=[maya().lead_clinician_id]),
    ]


def family_pages():
    client = maya()
    return [
        reverse("families:home"),
        reverse("families:child_home", args=[client.pk]),
        reverse("families:archive", args=[client.pk]),
        reverse("families:preferences"),
    ]


def serious_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def check_pages(page, live_server, urls, screenshot, prefix):
    found = {}
    for url in urls:
        page.goto(live_server.url + url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        # Keyboard: the first Tab lands on the skip link, which leads to the main content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('skip-link')"), url
        violations = serious_violations(page)
        if violations:
            found[url] = violations
        screenshot(page, f"a11y-{prefix}-{url.strip('/').replace('/', '-') or 'home'}")
    assert not found, found


@pytest.mark.parametrize(
    ("email", "pages", "size"),
    [
        ("clinician@demo.clinic", clinician_pages, LAPTOP),
        ("admin@demo.clinic", admin_pages, LAPTOP),
        ("parent@demo.clinic", family_pages, PHONE),
    ],
    ids=["clinician", "admin", "family"],
)
def test_main_pages_have_no_serious_accessibility_violations(
    demo_clinic, live_server, page, sign_in, screenshot, email, pages, size
):
    page.set_viewport_size(size)
    sign_in(page, email)
    check_pages(page, live_server, pages(), screenshot, email.split("@")[0])


def test_sign_in_page_has_no_serious_accessibility_violations(live_server, page, screenshot, transactional_db):
    page.set_viewport_size(PHONE)
    check_pages(page, live_server, [reverse("account_login")], screenshot, "anonymous")


def test_family_pages_have_tap_targets_of_at_least_24_px(demo_clinic, live_server, page, sign_in, screenshot):
    """WCAG 2.5.8 on a phone: radio buttons, check boxes and links that stand on their
    own are at least 24 x 24 px (links inside a sentence are exempt)."""
    page.set_viewport_size(PHONE)
    sign_in(page, "parent@demo.clinic")
    small = {}
    for url in family_pages():
        page.goto(live_server.url + url)
        found = page.evaluate(
            """() => [...document.querySelectorAll(
                  'main input[type=radio], main input[type=checkbox], main p > a:only-child, main li > a:first-child')]
                .filter(el => el.offsetParent !== null)
                .map(el => { const r = el.getBoundingClientRect();
                             return [el.outerHTML.slice(0, 60), Math.round(r.width), Math.round(r.height)]; })
                .filter(([, w, h]) => w < 24 || h < 24)"""
        )
        if found:
            small[url] = found
    screenshot(page, "family-preferences-targets")
    assert not small, small
