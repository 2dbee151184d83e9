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


def test_one_childs_team_lifts_it_for_their_child_only_while_another_childs_team_keeps_it(family_week, login):
    from tests import factories

    member = family_week.family_a
    factories.FamilyLinkFactory(family_member=member, client=family_week.client_b)
    switch(login(family_week.clinician_2), member)  # Blake's team stops contact with this parent

    team_a = login(family_week.clinician_1)
    response = switch(team_a, member, on=False, reason="Spoke with her today")
    links = {link.client_id: link for link in FamilyLink.objects.filter(family_member=member)}
    assert not links[family_week.client_a.pk].portal_suspended and links[family_week.client_b.pk].portal_suspended
    member.refresh_from_db()
    assert member.do_not_contact  # nothing is sent while Blake's team keeps it
    page = team_a.get(response.url).content.decode()
    assert "Nothing is sent to them yet" in page and family_week.client_b.legal_first_name not in page

    switch(login(family_week.clinician_2), member, on=False, reason="Reviewed with the family")
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
