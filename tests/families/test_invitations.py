"""Inviting a family member: the link sets a password once, expires after 7
days, and a new invitation retires the old link."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from families.models import FamilyLink
from iop.models import AuditEntry, OutboxMessage, User
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-family-password-77"
NOON = datetime.time(12)


def invite(browser, clinic, **overrides):
    data = {
        "email": "new.parent@example.test",
        "first_name": "Nora",
        "last_name": "Vance",
        "language": "es",
        "client": clinic.client_a.pk,
        "relationship": "guardian",
        "legal_authority": "on",
        **overrides,
    }
    return browser.post(reverse("families:invite"), data)


def link_in(message):
    return re.search(r"http://testserver(/family/welcome/\S+/)", message.body).group(1)


def set_password(browser, path):
    landing = browser.get(path)
    if landing.status_code != 302:
        return landing
    return browser.post(landing.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_admin_invites_links_and_emails_a_set_password_link(clinic, login):
    response = invite(login(clinic.admin), clinic)

    assert response.status_code == 302
    member = User.objects.get(email="new.parent@example.test")
    assert member.is_family and not member.has_usable_password() and member.language == "es"
    link = FamilyLink.objects.get(family_member=member)
    assert (link.client, link.relationship, link.legal_authority) == (clinic.client_a, "guardian", True)
    (message,) = OutboxMessage.objects.filter(recipient=member)
    assert message.channel == "email" and message.to_address == "new.parent@example.test"
    assert "7" in message.body and "/family/welcome/" in message.body
    assert AuditEntry.objects.filter(event="invite_family", object_pk=str(member.pk)).exists()


def test_invitation_link_sets_the_password_once_and_signs_in(clinic, login, client):
    invite(login(clinic.admin), clinic)
    path = link_in(OutboxMessage.objects.get())
    client.logout()

    response = set_password(client, path)

    assert response.status_code == 302 and response.url == reverse("families:home")
    member = User.objects.get(email="new.parent@example.test")
    assert member.check_password(NEW_PASSWORD)
    assert member.invitations.get().accepted_at is not None
    client.logout()
    again = client.get(path)
    assert (
        again.status_code == 200
        and "no longer works" in again.content.decode().lower()
        or "ya no" in again.content.decode()
    )


def test_invitation_link_expires_after_seven_days(clinic, login, client, time_machine):
    invite(login(clinic.admin), clinic)
    path = link_in(OutboxMessage.objects.get())
    client.logout()
    time_machine.move_to(timezone.now() + datetime.timedelta(days=7, hours=1))

    response = client.get(path)

    assert response.status_code == 200 and not response.context["validlink"]
    assert AuditEntry.objects.filter(event="invitation_link_refused").exists()


def test_reinviting_sends_a_fresh_link_and_retires_the_old(clinic, login, client):
    admin = login(clinic.admin)
    invite(admin, clinic)
    member = User.objects.get(email="new.parent@example.test")
    old = link_in(OutboxMessage.objects.get())
    admin.post(reverse("families:reinvite", args=[member.pk]))
    new = link_in(OutboxMessage.objects.exclude(body__contains=old).get())
    client.logout()

    assert client.get(old).status_code == 200  # the friendly "no longer works" page
    assert set_password(client, new).status_code == 302


def test_staff_address_and_the_clients_own_address_are_refused(clinic, login):
    browser = login(clinic.admin)
    assert invite(browser, clinic, email=clinic.clinician_1.email).status_code == 200
    clinic.client_a.email = "teen@example.test"
    clinic.client_a.save()
    response = invite(browser, clinic, email="teen@example.test")
    assert response.status_code == 200 and "own address" in response.content.decode()
    assert not User.objects.filter(email="teen@example.test").exists()


def test_member_list_shows_members_and_pins_queries(clinic, login, django_assert_max_num_queries):
    for _ in range(5):
        factories.FamilyLinkFactory(client=clinic.client_b)
    browser = login(clinic.admin)
    with django_assert_max_num_queries(12):
        response = browser.get(reverse("families:member_list"))
    assert clinic.family_a.email in response.content.decode()


def test_invite_form_survives_hostile_input(clinic, login):
    browser = login(clinic.admin)
    for value in ["", "x" * 5000, "<script>alert(1)</script>", "'; DROP TABLE iop_user; --", "名前"]:
        response = invite(browser, clinic, email=value, first_name=value, client=value)
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_an_existing_family_address_is_not_linked_to_another_child_without_asking(clinic, login):
    """A mistyped address that belongs to another family must not show them a child's week."""
    other_family = clinic.family_b  # linked to client B only
    browser = login(clinic.admin)
    response = invite(browser, clinic, email=other_family.email.upper(), first_name="Wrong", last_name="Person")
    page = response.content.decode()
    assert response.status_code == 200
    assert "This address already has a family account" in page
    assert other_family.get_full_name() in page and clinic.client_b.display_name in page
    assert 'name="link_existing"' in page and 'value="Wrong"' in page  # what was typed is kept
    assert not FamilyLink.objects.filter(family_member=other_family, client=clinic.client_a).exists()
    assert not OutboxMessage.objects.filter(recipient=other_family).exists()

    # Confirmed: the same account is linked, its name unchanged; no new invitation for someone who joined.
    other_family.invitations.create(invited_by=clinic.admin, accepted_at=timezone.now())
    response = invite(browser, clinic, email=other_family.email, first_name="Wrong", link_existing="on")
    assert response.status_code == 302
    assert FamilyLink.objects.filter(family_member=other_family, client=clinic.client_a).exists()
    other_family.refresh_from_db()
    assert other_family.first_name != "Wrong"
    assert not OutboxMessage.objects.filter(recipient=other_family).exists()
    follow = browser.get(response.url).content.decode()
    assert "already has an account and is now linked to" in follow


def test_a_new_address_shows_no_link_existing_box(clinic, login):
    page = invite(login(clinic.admin), clinic, first_name="").content.decode()
    assert 'name="link_existing"' not in page


def test_a_member_who_joined_is_not_offered_a_new_invitation(clinic, login):
    joined = clinic.family_a
    joined.invitations.create(invited_by=clinic.admin, accepted_at=timezone.now())
    waiting = clinic.family_b
    waiting.invitations.create(invited_by=clinic.admin)
    page = login(clinic.admin).get(reverse("families:member_list")).content.decode()
    assert reverse("families:reinvite", args=[waiting.pk]) in page
    assert reverse("families:reinvite", args=[joined.pk]) not in page
    assert "Signs in with their own password" in page


def test_the_office_removes_a_link_made_by_mistake_and_the_parent_no_longer_sees_the_child(clinic, login):
    """Linked to the wrong child: the parent would read another family's child's week."""
    wrong = factories.FamilyLinkFactory(client=clinic.client_a, family_member=clinic.family_b)
    child = reverse("families:child_home", args=[clinic.client_a.pk])
    assert login(clinic.family_b).get(child).status_code == 200
    family_page = reverse("families:client_family", args=[clinic.client_a.pk])
    page = login(clinic.admin).get(family_page).content.decode()
    assert reverse("families:unlink", args=[wrong.pk]) in page and "data-confirm" in page
    # A clinician sees no such button (the office links and unlinks).
    clinicians_page = login(clinic.clinician_1).get(family_page).content.decode()
    assert reverse("families:unlink", args=[wrong.pk]) not in clinicians_page

    response = login(clinic.admin).post(reverse("families:unlink", args=[wrong.pk]), follow=True)
    assert response.redirect_chain[-1][0] == family_page
    assert f"{clinic.family_b.get_full_name()} is no longer linked to" in response.content.decode()
    assert login(clinic.family_b).get(child).status_code == 404
    assert login(clinic.family_b).get(reverse("families:home")).status_code == 200  # their own child still there
    entry = AuditEntry.objects.get(event="unlink_family")
    assert (entry.actor, entry.client_id, entry.additional_data["family_member"]) == (
        clinic.admin,
        clinic.client_a.pk,
        clinic.family_b.email,
    )


def test_removing_a_link_withdraws_the_messages_it_brought(clinic, login):
    """The wrong child: reminders of that child's group not sent yet are withdrawn,
    those of their own child's group stay. The wrong person: everything to them not
    sent yet is withdrawn, and the invitation link stops working."""
    from families import reminders as family_reminders

    wrong = factories.FamilyLinkFactory(client=clinic.client_a, family_member=clinic.family_b)
    assert clinic.client_a.cohort_id != clinic.client_b.cohort_id
    factories.EnrollmentFactory(client=clinic.client_a)
    factories.EnrollmentFactory(client=clinic.client_b)
    for client in (clinic.client_a, clinic.client_b):
        factories.SessionFactory(cohort=client.cohort)  # today at 17:30
    family_reminders.group_tonight(now=timezone.make_aware(datetime.datetime.combine(timezone.localdate(), NOON)))
    pending = OutboxMessage.objects.filter(recipient=clinic.family_b, kind="group_tonight")
    assert pending.count() == 2

    login(clinic.admin).post(reverse("families:unlink", args=[wrong.pk]))
    left = {(m.status, m.idempotency_key.split(":")[1]) for m in pending}
    sessions = {c.pk: str(c.cohort.sessions.get().pk) for c in (clinic.client_a, clinic.client_b)}
    assert left == {("skipped", sessions[clinic.client_a.pk]), ("pending", sessions[clinic.client_b.pk])}
    assert pending.get(status="skipped").skipped_reason == "Family link removed"

    invite(login(clinic.admin), clinic)
    member = User.objects.get(email="new.parent@example.test")
    path = link_in(OutboxMessage.objects.get(recipient=member))
    login(clinic.admin).post(reverse("families:unlink", args=[member.family_links.get().pk]))
    assert set(OutboxMessage.objects.filter(recipient=member).values_list("status", flat=True)) == {"skipped"}
    landing = Client().get(path, follow=True)
    assert "no longer works" in landing.content.decode().lower() and not member.has_usable_password()


def test_removing_the_wrong_child_withdraws_the_closures_and_moves_that_named_its_group(clinic, login):
    """A closure or a move told overnight waits for the morning (quiet hours): unlinked
    from the wrong child before then, the parent hears of their own child's group only."""
    from groups import changes

    wrong = factories.FamilyLinkFactory(client=clinic.client_a, family_member=clinic.family_b)
    for client in (clinic.client_a, clinic.client_b):
        factories.EnrollmentFactory(client=client)
    day = timezone.localdate() + datetime.timedelta(days=2)
    for client in (clinic.client_a, clinic.client_b):
        factories.SessionFactory(cohort=client.cohort, day=day)
    changes.apply_closure(factories.ClosureFactory(starts_on=day))
    moves = {}
    for client in (clinic.client_a, clinic.client_b):
        evening = factories.SessionFactory(cohort=client.cohort, day=day + datetime.timedelta(days=1))
        moves[client.pk] = changes.reschedule(evening, evening.starts_at + datetime.timedelta(days=1), clinic.admin)
    told = OutboxMessage.objects.filter(recipient=clinic.family_b)
    closure = told.get(kind="closure")
    assert clinic.client_a.cohort.name in closure.body and clinic.client_b.cohort.name in closure.body

    login(clinic.admin).post(reverse("families:unlink", args=[wrong.pk]))
    closure.refresh_from_db()
    assert (closure.status, closure.skipped_reason) == ("skipped", "Family link removed")
    retold = told.get(kind="closure", status="pending")
    day_named = date_format(day, "D j M")
    assert retold.body.startswith(f"No group on {day_named} (holiday).")  # their own child's group, unnamed
    assert clinic.client_a.cohort.name not in retold.body
    moved = {m.body: m.status for m in told.filter(kind="reschedule")}
    assert sorted(moved.values()) == ["pending", "skipped"]
    kept = told.get(kind="reschedule", status="pending")
    assert kept.idempotency_key.split(":")[1] == str(
        AuditEntry.objects.get(event="reschedule", object_pk=str(moves[clinic.client_b.pk].pk)).pk
    )


def test_a_link_that_is_part_of_the_record_stays(clinic, login):
    appointment = factories.FamilyAppointmentFactory(client=clinic.client_a)
    link = clinic.family_a.family_links.get()
    assert appointment.invited.filter(pk=link.pk).exists()
    family_page = reverse("families:client_family", args=[clinic.client_a.pk])
    assert reverse("families:unlink", args=[link.pk]) not in login(clinic.admin).get(family_page).content.decode()
    response = login(clinic.admin).post(reverse("families:unlink", args=[link.pk]), follow=True)
    assert "so the link stays" in response.content.decode()
    assert FamilyLink.objects.filter(pk=link.pk).exists()
    assert not AuditEntry.objects.filter(event="unlink_family").exists()
