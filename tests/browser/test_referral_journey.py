"""The program office takes a referral by phone, is asked before making a second
chart for a child already known, then admits the new client to a cohort."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iop.models import Client
from tests import factories


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_takes_a_referral_and_admits_the_client(live_server, page, sign_in, screenshot):
    admin = factories.ProgramAdminFactory(email="office@example.test")
    cohort = factories.CohortFactory(name="Tweens 11-13", age_min=11, age_max=13)
    known = factories.ClientFactory(cohort=cohort, legal_first_name="Nadia", legal_last_name="Farah")
    sign_in(page, admin.email, factories.PASSWORD)

    page.get_by_role("link", name="New referral").click()
    page.get_by_label("Chart number").fill("W-2101")
    page.get_by_label("Legal first name").fill("Nadia")
    page.get_by_label("Legal last name").fill("Farah")
    page.get_by_label("Pronouns").fill("she/her")
    page.get_by_role("textbox", name="Date of birth").fill(f"{known.date_of_birth:%Y-%m-%d}")
    page.get_by_label("Client's own phone").fill("617 555 0199")
    page.get_by_role("button", name="Add the referral").click()

    # Same name and birthday as a client already on file: asked, nothing lost.
    expect(page.get_by_text(re.compile(r"Nadia Farah \(chart .*\) has this name and date of birth"))).to_be_visible()
    expect(page.get_by_label("Legal first name")).to_have_value("Nadia")
    expect(page.get_by_label("Client's own phone")).to_have_value("(617) 555-0199")
    screenshot(page, "referral-same-name-asked")

    # The admin checks: a different child. The birthday was mistyped too.
    born = timezone.localdate().replace(year=timezone.localdate().year - 12) - datetime.timedelta(days=40)
    page.get_by_role("textbox", name="Date of birth").fill(f"{born:%Y-%m-%d}")
    page.get_by_role("button", name="Add the referral").click()
    expect(page.get_by_text("Nadia Farah is on the referral list.")).to_be_visible()
    assert Client.objects.get(chart_number="W-2101").status == Client.Status.REFERRED

    page.get_by_role("link", name="Admit to a cohort").click()
    page.get_by_role("combobox", name="Cohort").select_option(label="Tweens 11-13")
    page.get_by_role("button", name="Admit").click()
    expect(page.get_by_text("Nadia Farah admitted.")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "referral-admitted-phone")
    assert Client.objects.get(chart_number="W-2101").status == Client.Status.ADMITTED
