"""Calendar feeds: a cohort's for its staff, a family member's through a secret link."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from groups.models import FamilyCalendarToken

pytestmark = pytest.mark.django_db


def events(response):
    calendar = Calendar.from_ical(response.content)
    return calendar, [c for c in calendar.walk("VEVENT")]


@pytest.fixture
def family_evening(evenings):
    teens, tweens = evenings
    for session in (teens, tweens):
        session.family_group_starts_at = session.starts_at + datetime.timedelta(hours=2)
        session.family_group_ends_at = session.ends_at
        session.save()
    return teens


def test_cohort_feed_has_each_evening_in_clinic_time_with_its_timezone(enrolled, evenings, login):
    teens, _ = evenings
    response = login(enrolled.clinician_1).get(reverse("groups:cohort_feed", args=[teens.cohort.pk]))

    calendar, found = events(response)
    assert response["Content-Type"].startswith("text/calendar")
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    (event,) = found
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute, str(start.tzinfo)) == (17, 30, "America/New_York")
    assert event["STATUS"] == "CONFIRMED"


def test_cancelled_evening_shows_as_cancelled_in_the_feed(enrolled, evenings, login):
    teens, _ = evenings
    teens.status, teens.cancel_reason = "cancelled", "Holiday"
    teens.save()

    _, (event,) = events(login(enrolled.admin).get(reverse("groups:cohort_feed", args=[teens.cohort.pk])))

    assert event["STATUS"] == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("Cancelled")


def test_family_feed_shows_own_childs_group_and_family_group_only(enrolled, family_evening, client):
    link = FamilyCalendarToken.renew(enrolled.family_a)

    response = client.get(reverse("groups:family_feed", args=[link.token]))

    _, found = events(response)
    summaries = sorted(str(e["SUMMARY"]) for e in found)
    assert summaries == ["Family group", f"{family_evening.cohort.name} group"]
    text = response.content.decode()
    for other in (enrolled.client_b, enrolled.client_a):
        assert other.legal_last_name not in text
        assert other.legal_first_name not in text
    assert enrolled.client_b.cohort.name not in text


def test_family_feed_is_in_the_family_members_language(enrolled, family_evening, client):
    enrolled.family_a.language = "es"
    enrolled.family_a.save()
    family_evening.status, family_evening.cancel_reason = "cancelled", "Holiday"
    family_evening.save()
    link = FamilyCalendarToken.renew(enrolled.family_a)
    _, found = events(client.get(reverse("groups:family_feed", args=[link.token])))
    summaries = sorted(str(e["SUMMARY"]) for e in found)
    assert summaries == [f"Cancelada: Grupo {family_evening.cohort.name}", "Cancelada: Grupo familiar"]
    assert all("Families join" not in str(e.get("DESCRIPTION", "")) for e in found)


def test_family_feed_leaves_out_evenings_after_discharge(enrolled, evenings, client):
    enrolled.client_a.enrollments.update(ended_on=timezone.localdate(), end_reason="discharge")
    link = FamilyCalendarToken.renew(enrolled.family_a)

    _, found = events(client.get(reverse("groups:family_feed", args=[link.token])))

    assert found == []


def test_revoked_link_is_404_and_a_new_one_works(enrolled, evenings, client):
    old = FamilyCalendarToken.renew(enrolled.family_a)
    new = FamilyCalendarToken.renew(enrolled.family_a)

    assert client.get(reverse("groups:family_feed", args=[old.token])).status_code == 404
    assert client.get(reverse("groups:family_feed", args=[new.token])).status_code == 200
    FamilyCalendarToken.revoke_all(enrolled.family_a)
    assert client.get(reverse("groups:family_feed", args=[new.token])).status_code == 404


def test_made_up_token_is_404(enrolled, client):
    assert client.get(reverse("groups:family_feed", args=["not-a-real-token"])).status_code == 404


def test_suspended_link_empties_the_feed(enrolled, evenings, client):
    link = FamilyCalendarToken.renew(enrolled.family_a)
    enrolled.client_a.family_links.update(portal_suspended=True, suspended_reason="Unsafe at home")

    _, found = events(client.get(reverse("groups:family_feed", args=[link.token])))

    assert found == []


def test_family_member_manages_their_own_link(enrolled, login):
    web = login(enrolled.family_a)
    web.post(reverse("groups:family_calendar"), {"action": "renew"})
    first = FamilyCalendarToken.current_for(enrolled.family_a)
    page = web.get(reverse("groups:family_calendar")).content.decode()
    assert first.token in page
    # A tap subscribes (the calendar's own scheme), another copies the address.
    feed = reverse("groups:family_feed", args=[first.token])
    assert f'href="webcal://testserver{feed}"' in page and 'data-copy="feed-url"' in page
    assert "Calendar link made." in page and "old link" not in page  # the first link replaces nothing
    page = web.post(reverse("groups:family_calendar"), {"action": "renew"}, follow=True).content.decode()
    assert "The old link no longer works." in page

    web.post(reverse("groups:family_calendar"), {"action": "revoke"})
    assert FamilyCalendarToken.current_for(enrolled.family_a) is None


def test_staff_feed_of_another_cohort_is_404(enrolled, evenings, login):
    _, tweens = evenings
    assert login(enrolled.clinician_1).get(reverse("groups:cohort_feed", args=[tweens.cohort.pk])).status_code == 404
