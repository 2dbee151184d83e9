"""A clinician of the client switches a family member to "do not contact":
nothing is sent, the portal is closed with the reason recorded."""

import pytest
from django.urls import reverse

from families import summaries
from families.models import FamilyLink
from groups.models import FamilyCalendarToken
from iop.models import AuditEntry, OutboxMessage

pytestmark = pytest.mark.django_db

REASON = "Contact at home may be unsafe"


def switch(browser, member, on=True, reason=REASON):
    data = {"reason": reason, **({"do_not_contact": "on"} if on else {})}
    return browser.post(reverse("families:do_not_contact", args=[member.pk]), data)


def test_clinician_switches_to_do_not_contact_and_the_portal_is_neutral(family_week, login):
    FamilyCalendarToken.renew(family_week.family_a)

    assert switch(login(family_week.clinician_1), family_week.family_a).status_code == 302

    member = family_week.family_a
    member.refresh_from_db()
    assert member.do_not_contact and member.do_not_contact_reason == REASON
    link = FamilyLink.objects.get(family_member=member)
    assert link.portal_suspended and link.suspended_reason == REASON
    assert FamilyCalendarToken.current_for(member) is None
    assert AuditEntry.objects.filter(event="do_not_contact", client_id=family_week.client_a.pk).exists()
    browser = login(member)
    home = browser.get(reverse("families:home")).content.decode()
    assert "Please call the clinic" in home
    assert REASON not in home and family_week.client_a.legal_first_name not in home
    child_page = browser.get(reverse("families:child_home", args=[family_week.client_a.pk])).content.decode()
    assert "Please call the clinic" in child_page and family_week.client_a.legal_first_name not in child_page


def test_nothing_is_sent_after_do_not_contact(family_week, login):
    switch(login(family_week.clinician_1), family_week.family_a)
    summary = family_week.summaries[family_week.client_a.pk]
    summary.status, summary.published_at, summary.published_by = "draft", None, None
    summary.save()

    summaries.publish(summary, by=family_week.clinician_1, base_url="https://clinic.example")

    assert not OutboxMessage.objects.exists()


def test_a_reason_is_required(family_week, login):
    response = switch(login(family_week.clinician_1), family_week.family_a, reason="  ")
    assert response.status_code == 200
    family_week.family_a.refresh_from_db()
    assert not family_week.family_a.do_not_contact


def test_contact_can_be_resumed(family_week, login):
    browser = login(family_week.clinician_1)
    switch(browser, family_week.family_a)
    switch(browser, family_week.family_a, on=False, reason="Safety plan reviewed with the family")
    family_week.family_a.refresh_from_db()
    assert not family_week.family_a.do_not_contact
    assert not FamilyLink.objects.get(family_member=family_week.family_a).portal_suspended
    assert AuditEntry.objects.filter(event="resume_contact").exists()


def test_do_not_contact_is_lifted_by_the_team_of_the_child_it_was_set_for(family_week, login):
    from tests import factories

    member = family_week.family_a
    factories.FamilyLinkFactory(family_member=member, client=family_week.client_b)
    switch(login(family_week.clinician_2), member)  # Blake's team stops contact with this parent
    member.refresh_from_db()
    assert member.do_not_contact_for == family_week.client_b
    assert not FamilyLink.objects.filter(family_member=member, portal_suspended=False).exists()

    # Avery's team does not know why: they cannot lift it, and are told who can, without a name.
    team_a = login(family_week.clinician_1)
    response = switch(team_a, member, on=False, reason="Spoke with her today")
    page = team_a.get(response.url).content.decode()
    assert "stopped from another child" in page and family_week.client_b.legal_first_name not in page
    member.refresh_from_db()
    assert member.do_not_contact and not member.family_links.filter(portal_suspended=False).exists()

    # Blake's team lifts it: every link opens and messages resume.
    switch(login(family_week.clinician_2), member, on=False, reason="Reviewed with the family")
    member.refresh_from_db()
    assert not member.do_not_contact and member.do_not_contact_for is None
    assert not FamilyLink.objects.filter(portal_suspended=True).exists()

    # Set from Avery's care, Avery's team lifts it for both children.
    switch(team_a, member)
    switch(team_a, member, on=False, reason="Safety plan reviewed with the family")
    member.refresh_from_db()
    assert not member.do_not_contact and not FamilyLink.objects.filter(portal_suspended=True).exists()


@pytest.mark.parametrize(("role", "status"), [("clinician_2", 404), ("admin", 403), ("family_b", 404)])
def test_only_the_clients_clinicians_may_switch(family_week, login, role, status):
    assert switch(login(family_week.role(role)), family_week.family_a).status_code == status
    family_week.family_a.refresh_from_db()
    assert not family_week.family_a.do_not_contact


def test_a_person_marked_do_not_contact_cannot_make_a_calendar_link(family_week, login):
    from groups.models import FamilyCalendarToken

    switch(login(family_week.clinician_1), family_week.family_a)
    browser = login(family_week.family_a)
    page = browser.post(reverse("groups:family_calendar"), {"action": "renew"}).content.decode()
    assert "Please call the clinic" in page
    assert FamilyCalendarToken.current_for(family_week.family_a) is None
