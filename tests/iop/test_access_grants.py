"""The program office grants a clinician outside a client's team access to the
record, for a reason and until a day, and revokes it; both are audited, and the
clinician's reach follows at once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from iop import emergency, grants
from iop.models import AuditEntry, ClientAccessGrant

pytestmark = pytest.mark.django_db


def day(days_from_today):
    return f"{timezone.localdate() + datetime.timedelta(days=days_from_today):%Y-%m-%d}"


def grant_form(clinic, **changes):
    data = {"action": "grant", "grantee": clinic.clinician_2.pk, "reason": "Medication management", "until": day(30)}
    return {**data, **changes}


def post(login, clinic, data):
    return login(clinic.admin).post(reverse("client_access", args=[clinic.client_a.pk]), data)


def test_a_grant_opens_the_chart_until_the_end_of_its_day_and_is_audited(clinic, login):
    chart = reverse("clinicians:chart", args=[clinic.client_a.pk])
    assert login(clinic.clinician_2).get(chart).status_code == 404

    browser = login(clinic.admin)
    response = browser.post(reverse("client_access", args=[clinic.client_a.pk]), grant_form(clinic))

    assert response.status_code == 302
    page = browser.get(response.url).content.decode()
    assert "may read and write Avery Quill" in page and "Revoke" in page
    grant = ClientAccessGrant.objects.get(client=clinic.client_a, grantee=clinic.clinician_2)
    assert (grant.kind, grant.granted_by, grant.reason) == ("granted", clinic.admin, "Medication management")
    last_day = timezone.localdate() + datetime.timedelta(days=30)
    assert timezone.localtime(grant.expires_at) == grants.end_of(last_day)
    assert timezone.localtime(grant.expires_at).date() == last_day + datetime.timedelta(days=1)
    entry = AuditEntry.objects.get(event="grant_access", client_id=clinic.client_a.pk)
    assert entry.actor == clinic.admin
    assert login(clinic.clinician_2).get(chart).status_code == 200


def test_revoking_ends_access_at_once_and_keeps_the_grant_on_record(clinic, login):
    grant = grants.grant(clinic.client_a, clinic.clinician_2, clinic.admin, "Cover", timezone.localdate())
    chart = reverse("clinicians:chart", args=[clinic.client_a.pk])
    assert login(clinic.clinician_2).get(chart).status_code == 200

    response = post(login, clinic, {"action": "revoke", "grant": grant.pk})

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.expires_at <= timezone.now()
    assert AuditEntry.objects.filter(event="revoke_grant", client_id=clinic.client_a.pk).exists()
    assert login(clinic.clinician_2).get(chart).status_code == 404
    page = login(clinic.admin).get(reverse("client_access", args=[clinic.client_a.pk])).content.decode()
    assert "Ended in the last 90 days" in page and "Nobody outside the team has access." in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": ""}, "This field is required."),
        ({"until": day(-1)}, "Enter a day from today to"),
        ({"until": day(181)}, "Enter a day from today to"),
    ],
)
def test_bad_input_comes_back_with_a_message_and_what_was_typed(clinic, login, changes, message):
    data = {**grant_form(clinic), **changes}
    response = post(login, clinic, data)
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    if data["reason"]:
        assert "Medication management</textarea>" in page
    assert f'value="{data["until"]}"' in page
    assert not ClientAccessGrant.objects.exists()


def test_the_team_needs_no_grant_and_a_grant_is_not_given_twice(clinic, login):
    page = post(login, clinic, {**grant_form(clinic), "grantee": clinic.clinician_1.pk}).content.decode()
    assert "Select a valid choice." in page  # the team is not offered: it needs no grant
    assert f'<option value="{clinic.clinician_1.pk}"' not in page
    post(login, clinic, grant_form(clinic))
    again = post(login, clinic, grant_form(clinic)).content.decode()
    assert "has access until" in again and "revoke it and grant again" in again
    assert ClientAccessGrant.objects.count() == 1


def test_emergency_access_is_listed_but_not_revoked_here(clinic, login):
    glass = emergency.break_glass(clinic.clinician_2, clinic.client_a, "Covering the on-call phone")
    page = login(clinic.admin).get(reverse("client_access", args=[clinic.client_a.pk])).content.decode()
    assert "Covering the on-call phone" in page and "Emergency access" in page and "Revoke" not in page
    assert post(login, clinic, {"action": "revoke", "grant": glass.pk}).status_code == 404
    glass.refresh_from_db()
    assert glass.is_active


def test_a_grant_of_another_client_cannot_be_revoked_through_this_one(clinic, login):
    other = grants.grant(clinic.client_b, clinic.clinician_1, clinic.admin, "Cover", timezone.localdate())
    assert post(login, clinic, {"action": "revoke", "grant": other.pk}).status_code == 404
    other.refresh_from_db()
    assert other.is_active


def test_clinicians_cannot_grant_themselves_access(clinic, login):
    url = reverse("client_access", args=[clinic.client_a.pk])
    response = login(clinic.clinician_2).post(url, grant_form(clinic))
    assert response.status_code == 403
    assert not ClientAccessGrant.objects.exists()


def test_a_revoke_naming_no_grant_is_not_found(clinic, login):
    assert post(login, clinic, {"action": "revoke", "grant": "abc"}).status_code == 404
    assert post(login, clinic, {"action": "revoke"}).status_code == 404


def test_a_grant_is_shown_through_its_last_day(clinic, login):
    last_day = timezone.localdate() + datetime.timedelta(days=3)
    grants.grant(clinic.client_a, clinic.clinician_2, clinic.admin, "Cover", last_day)
    page = login(clinic.admin).get(reverse("client_access", args=[clinic.client_a.pk])).content.decode()
    assert f"{last_day:%a} {last_day.day} {last_day:%b %Y}, all day" in page
