"""A new clinician joins: the program office opens her account, she chooses her
password through the invitation's link and signs in to her own home page; when
she leaves, the office deactivates her and her open session ends."""

import re

import pytest
from playwright.sync_api import expect

from iop.models import OutboxMessage, User
from tests import factories


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_new_clinician_is_invited_signs_in_and_is_signed_out_when_deactivated(
    live_server, browser, sign_in, screenshot
):
    admin = factories.ProgramAdminFactory(email="office@example.test")
    office = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(office, admin.email, factories.PASSWORD)
    office.get_by_role("link", name="Staff accounts").click()
    office.get_by_role("link", name="New staff member").click()
    office.get_by_label("First name").fill("Priya")
    office.get_by_label("Last name").fill("Raman")
    office.get_by_label("Work email (they sign in with it)").fill("priya@example.test")
    office.get_by_label("Role").select_option(label="Clinician")
    office.get_by_label("Credential").select_option("LPC")
    office.get_by_role("button", name="Open the account and send the invitation").click()
    expect(office.get_by_text("an email asks them to choose a password")).to_be_visible()
    expect(office.get_by_role("row", name=re.compile("Priya Raman"))).to_contain_text("Invited")
    screenshot(office, "staff-invited")

    person = User.objects.get(email="priya@example.test")
    body = OutboxMessage.objects.get(kind="staff_invitation", recipient=person).body
    link = re.search(r"(http://\S+?)\.? ", body).group(1)

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(link)
    screenshot(phone, "staff-set-password-phone")
    phone.locator("input[name=password1]").fill("Evening-shift-2027")
    phone.locator("input[name=password2]").fill("Evening-shift-2027")
    phone.get_by_role("button", name="Save my password").click()
    expect(phone.get_by_role("heading", name="Your password is saved")).to_be_visible()
    sign_in(phone, "priya@example.test", "Evening-shift-2027")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    assert "/staff/clinician/" in phone.url
    screenshot(phone, "staff-first-sign-in-phone")

    office.reload()
    office.get_by_role("link", name="Priya Raman").click()
    office.get_by_label("Account active").uncheck()
    office.get_by_role("button", name="Save").click()
    expect(office.get_by_role("row", name=re.compile("Priya Raman"))).to_contain_text("Deactivated")

    phone.reload()
    assert "/accounts/login/" in phone.url
