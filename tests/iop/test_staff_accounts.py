"""The program office opens accounts for new colleagues, changes roles and
deactivates someone who leaves, without the Django admin. A new colleague
chooses a password through the link in their invitation."""

import re

import pytest
from django.urls import reverse

from iop.models import AuditEntry, OutboxMessage, User
from tests import factories

pytestmark = pytest.mark.django_db


def new_colleague(**changes):
    data = {
        "first_name": "Priya",
        "last_name": "Raman",
        "email": "Priya.Raman@Clinic.Example",
        "role": "clinician",
        "credential": "LPC",
    }
    return {**data, **changes}


def account_form(person, **changes):
    data = {
        "action": "save",
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "role": person.role,
        "credential": person.credential,
        "is_active": "on" if person.is_active else "",
    }
    return {key: value for key, value in {**data, **changes}.items() if value != ""}


def test_a_new_colleague_is_invited_and_chooses_a_password_through_the_link(clinic, login, client):
    response = login(clinic.admin).post(reverse("staff_new"), new_colleague())
    assert response.status_code == 302
    person = User.objects.get(email="priya.raman@clinic.example")
    assert (person.role, person.credential, person.has_usable_password()) == ("clinician", "LPC", False)
    invitation = OutboxMessage.objects.get(kind="staff_invitation", recipient=person)
    assert "Choose your password here" in invitation.body
    assert AuditEntry.objects.filter(event="invite_staff", object_pk=str(person.pk), actor=clinic.admin).exists()
    assert AuditEntry.objects.filter(event="create", object_pk=str(person.pk)).exists()

    link = re.search(r"http://testserver(/\S+?)\.? ", invitation.body).group(1)
    client.logout()
    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    done = client.post(form_url, {"password1": "Evening-shift-2027", "password2": "Evening-shift-2027"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Evening-shift-2027")
    assert "Active" in login(clinic.admin).get(reverse("staff_list")).content.decode()


def test_bad_input_comes_back_with_messages_and_what_was_typed(clinic, login):
    typed = new_colleague(last_name="", email=clinic.family_a.email, role="program_admin")
    page = login(clinic.admin).post(reverse("staff_new"), typed).content.decode()
    assert "This field is required." in page
    assert "This address belongs to a family account; use the work address." in page
    assert "Only clinicians have a credential here; leave it empty." in page
    assert 'value="Priya"' in page
    assert not User.objects.filter(first_name="Priya").exists()
    assert not OutboxMessage.objects.filter(kind="staff_invitation").exists()


def test_deactivating_someone_who_leaves_signs_them_out_and_names_what_they_lead(clinic, login):
    leaver = clinic.clinician_1
    browser = login(clinic.admin)
    response = browser.post(reverse("staff_edit", args=[leaver.pk]), account_form(leaver, is_active=""), follow=True)
    page = response.content.decode()
    assert "is still lead of Teens: hand this to an active clinician" in page
    assert "is still lead clinician of 1 admitted clients" in page
    leaver.refresh_from_db()
    assert not leaver.is_active
    change = AuditEntry.objects.filter(event="role_change", object_pk=str(leaver.pk)).latest("pk")
    assert change.changes["is_active"] == ["True", "False"] and change.actor == clinic.admin
    # Their open session ends at their next click.
    assert login(leaver).get(reverse("clinician_home")).status_code == 302


def test_an_open_safety_alert_of_someone_who_leaves_goes_to_who_is_on_call_at_once(clinic, login):
    from clinicians.instruments import PHQ9
    from clinicians.models import SafetyAlert
    from iop.models import Program

    leaver = clinic.clinician_1
    factories.AdministrationFactory(client=clinic.client_a, answers={item.key: 1 for item in PHQ9.items})
    alert = SafetyAlert.objects.get()
    assert alert.owner == leaver
    on_call = factories.ClinicianFactory(email="oncall@example.test")
    Program.objects.filter(pk=Program.current().pk).update(on_call_clinician=on_call)

    response = login(clinic.admin).post(
        reverse("staff_edit", args=[leaver.pk]), account_form(leaver, is_active=""), follow=True
    )

    assert "now belongs to" in response.content.decode()
    alert.refresh_from_db()
    assert alert.owner == on_call and alert.status == SafetyAlert.Status.OPEN
    assert OutboxMessage.objects.filter(kind="safety_alert", recipient=on_call, urgent=True).exists()
    entry = AuditEntry.objects.get(event="hand_over_alert")
    assert (entry.actor, entry.client_id, entry.object_pk) == (clinic.admin, clinic.client_a.pk, str(alert.pk))


def test_a_role_change_is_recorded_as_such(clinic, login):
    person = clinic.clinician_2
    login(clinic.admin).post(
        reverse("staff_edit", args=[person.pk]), account_form(person, role="program_admin", credential="")
    )
    person.refresh_from_db()
    assert person.role == "program_admin" and person.credential == ""
    assert AuditEntry.objects.filter(event="role_change", object_pk=str(person.pk)).exists()


def test_an_admin_cannot_lock_themselves_or_the_program_out(clinic, login):
    own = login(clinic.admin).post(
        reverse("staff_edit", args=[clinic.admin.pk]), account_form(clinic.admin, is_active="")
    )
    assert "You cannot change your own role or deactivate your own account" in own.content.decode()
    last = login(clinic.superuser).post(
        reverse("staff_edit", args=[clinic.admin.pk]), account_form(clinic.admin, role="clinician")
    )
    assert "is the only active program admin." in last.content.decode()
    clinic.admin.refresh_from_db()
    assert clinic.admin.is_active and clinic.admin.role == "program_admin"


def test_only_a_privacy_officer_makes_someone_a_privacy_officer(clinic, login):
    person = clinic.clinician_2
    url = reverse("staff_edit", args=[person.pk])
    assert 'name="is_privacy_officer"' not in login(clinic.admin).get(url).content.decode()
    login(clinic.admin).post(url, account_form(person, is_privacy_officer="on"))
    person.refresh_from_db()
    assert not person.is_privacy_officer
    officer = factories.ProgramAdminFactory(is_privacy_officer=True)
    login(officer).post(url, account_form(person, is_privacy_officer="on"))
    person.refresh_from_db()
    assert person.is_privacy_officer


def test_a_new_invitation_can_be_sent_until_they_join(clinic, login):
    login(clinic.admin).post(reverse("staff_new"), new_colleague())
    person = User.objects.get(email="priya.raman@clinic.example")
    login(clinic.admin).post(reverse("staff_edit", args=[person.pk]), {"action": "invite"})
    assert OutboxMessage.objects.filter(kind="staff_invitation", recipient=person).count() == 2
    joined = clinic.clinician_1
    page = login(clinic.admin).get(reverse("staff_edit", args=[joined.pk])).content.decode()
    assert "Send a new invitation" not in page
    login(clinic.admin).post(reverse("staff_edit", args=[joined.pk]), {"action": "invite"})
    assert not OutboxMessage.objects.filter(kind="staff_invitation", recipient=joined).exists()


def test_superusers_and_family_accounts_are_not_managed_here(clinic, login):
    browser = login(clinic.admin)
    for person in (clinic.superuser, clinic.family_a):
        assert browser.get(reverse("staff_edit", args=[person.pk])).status_code == 404
    names = browser.get(reverse("staff_list")).content.decode()
    assert clinic.family_a.email not in names and clinic.superuser.email not in names


def test_clinicians_cannot_open_or_change_accounts(clinic, login):
    browser = login(clinic.clinician_1)
    assert browser.post(reverse("staff_new"), new_colleague()).status_code == 403
    edit = browser.post(
        reverse("staff_edit", args=[clinic.clinician_1.pk]),
        account_form(clinic.clinician_1, role="program_admin", credential=""),
    )
    assert edit.status_code == 403
    clinic.clinician_1.refresh_from_db()
    assert clinic.clinician_1.role == "clinician"
    assert not User.objects.filter(first_name="Priya").exists()


def invitation_link(person):
    body = OutboxMessage.objects.filter(kind="staff_invitation", recipient=person).latest("pk").body
    return re.search(r"http://testserver(/\S+?)\.? ", body).group(1)


def link_sets_password(client, link, password="Evening-shift-2027"):
    client.logout()
    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    client.post(form_url, {"password1": password, "password2": password})


def test_a_corrected_address_is_invited_afresh_and_the_old_one_reaches_nothing(clinic, login, client):
    from django.core import mail

    login(clinic.admin).post(reverse("staff_new"), new_colleague(email="typo@clinic.example"))
    person = User.objects.get(email="typo@clinic.example")
    old_link = invitation_link(person)
    login(clinic.admin).post(
        reverse("staff_edit", args=[person.pk]), account_form(person, email="priya@clinic.example")
    )
    person.refresh_from_db()
    assert person.email == "priya@clinic.example"
    new_link = invitation_link(person)
    assert new_link != old_link

    link_sets_password(client, old_link)
    person.refresh_from_db()
    assert not person.has_usable_password()
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": "typo@clinic.example"})
    to_old = [m for m in mail.outbox if "typo@clinic.example" in m.to]
    assert not [m for m in to_old if "/password/reset/key/" in m.body]

    link_sets_password(client, new_link)
    person.refresh_from_db()
    assert person.check_password("Evening-shift-2027")


def test_a_joined_colleagues_address_cannot_be_changed_here(clinic, login):
    person = clinic.clinician_2
    url = reverse("staff_edit", args=[person.pk])
    assert "Fixed once they have chosen a password" in login(clinic.admin).get(url).content.decode()
    login(clinic.admin).post(url, account_form(person, email="mine@admin.example"))
    person.refresh_from_db()
    assert person.email != "mine@admin.example"


def test_a_new_invitation_or_a_deactivation_retires_the_earlier_link(clinic, login, client):
    login(clinic.admin).post(reverse("staff_new"), new_colleague())
    person = User.objects.get(email="priya.raman@clinic.example")
    first = invitation_link(person)
    login(clinic.admin).post(reverse("staff_edit", args=[person.pk]), {"action": "invite"})
    second = invitation_link(person)
    link_sets_password(client, first)
    person.refresh_from_db()
    assert not person.has_usable_password()

    login(clinic.admin).post(reverse("staff_edit", args=[person.pk]), account_form(person, is_active=""))
    link_sets_password(client, second)
    person.refresh_from_db()
    assert not person.is_active and not person.has_usable_password()


def test_an_invited_admin_who_never_joined_does_not_count_as_the_other_admin(clinic, login):
    factories.ProgramAdminFactory(password="!unusable")
    invited = User.objects.filter(role="program_admin").exclude(pk=clinic.admin.pk).get()
    invited.set_unusable_password()
    invited.save()
    response = login(clinic.superuser).post(
        reverse("staff_edit", args=[clinic.admin.pk]), account_form(clinic.admin, is_active="")
    )
    assert "is the only active program admin." in response.content.decode()


def test_a_deactivated_lead_no_longer_owns_new_safety_alerts(clinic, login):
    from clinicians.models import SafetyAlert

    lead = clinic.client_a.lead_clinician
    other_lead = factories.ClinicianFactory()
    clinic.client_a.cohort.lead_clinician = other_lead
    clinic.client_a.cohort.save()
    login(clinic.admin).post(reverse("staff_edit", args=[lead.pk]), account_form(lead, is_active=""))
    clinic.client_a.refresh_from_db()
    factories.AdministrationFactory(client=clinic.client_a, entered_by=other_lead)
    assert SafetyAlert.objects.get().owner == other_lead


def test_an_invitation_is_sent_at_once_even_in_quiet_hours_and_a_refused_save_shows_what_is_saved(clinic, login):
    login(clinic.admin).post(reverse("staff_new"), new_colleague())
    assert OutboxMessage.objects.get(kind="staff_invitation").urgent
    page = login(clinic.admin).post(
        reverse("staff_edit", args=[clinic.admin.pk]), account_form(clinic.admin, is_active="")
    )
    html = page.content.decode()
    assert "You cannot change your own role" in html
    assert f"{clinic.admin.email} &middot; deactivated" not in html
    assert f"{clinic.admin.email} &middot; last signed in" in html


def test_someone_deactivated_mid_session_is_told_why_they_are_signed_out(clinic, login):
    browser = login(clinic.clinician_2)
    User.objects.filter(pk=clinic.clinician_2.pk).update(is_active=False)
    response = browser.get(reverse("clinician_home"), follow=True)
    page = response.content.decode()
    assert "/accounts/login/" in response.redirect_chain[-1][0]
    assert "this account is no longer active" in page
    assert "this account is no longer active" not in browser.get(reverse("account_login")).content.decode()
