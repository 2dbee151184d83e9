"""Family-group attendance, recorded by the cohort's clinicians and shown to the family."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families.models import FamilyGroupAttendance
from tests import factories

pytestmark = pytest.mark.django_db


def test_clinician_records_who_came_and_the_family_sees_it(family_week, login):
    wednesday = family_week.sessions[family_week.client_a.pk][2]
    link = family_week.family_a.family_links.get()
    url = reverse("families:family_group_sheet", args=[wednesday.pk])

    page = login(family_week.clinician_1).get(url).content.decode()
    assert family_week.family_a.get_full_name() in page and family_week.family_b.get_full_name() not in page
    login(family_week.clinician_1).post(url, {f"link_{link.pk}": "on"})

    mark = FamilyGroupAttendance.objects.get()
    assert (mark.link, mark.attended, mark.recorded_by) == (link, True, family_week.clinician_1)
    assert "You came to family group" in login(family_week.family_a).get(reverse("families:home")).content.decode()


def test_an_evening_without_family_group_has_no_sheet(family_week, login):
    monday = family_week.sessions[family_week.client_a.pk][0]
    url = reverse("families:family_group_sheet", args=[monday.pk])
    assert login(family_week.clinician_1).get(url).status_code == 404


def test_one_mark_per_family_member_and_evening(family_week, login):
    wednesday = family_week.sessions[family_week.client_a.pk][2]
    link = family_week.family_a.family_links.get()
    url = reverse("families:family_group_sheet", args=[wednesday.pk])
    browser = login(family_week.clinician_1)
    browser.post(url, {f"link_{link.pk}": "on"})
    browser.post(url, {})
    assert FamilyGroupAttendance.objects.filter(link=link).count() == 1
    assert not FamilyGroupAttendance.objects.get().attended


def test_family_group_list_query_count_is_pinned(family_week, login, django_assert_max_num_queries):
    for _ in range(3):
        factories.SessionFactory(
            cohort=family_week.client_a.cohort, day=timezone.localdate() - datetime.timedelta(weeks=2 + _)
        )
    browser = login(family_week.clinician_1)
    with django_assert_max_num_queries(12):
        assert browser.get(reverse("families:family_group_list")).status_code == 200


def test_a_parent_at_another_child_s_family_group_at_the_same_time_is_not_told_they_were_missed(family_week, login):
    """Both cohorts hold family group on Wednesday at the same hour; a parent of a
    child in each goes to one of them and is marked absent at the other."""
    parent = family_week.family_a
    link_a = parent.family_links.get(client=family_week.client_a)
    link_b = factories.FamilyLinkFactory(family_member=parent, client=family_week.client_b)
    wednesday_a = family_week.sessions[family_week.client_a.pk][2]
    wednesday_b = family_week.sessions[family_week.client_b.pk][2]
    login(family_week.clinician_1).post(
        reverse("families:family_group_sheet", args=[wednesday_a.pk]), {f"link_{link_a.pk}": "on"}
    )
    FamilyGroupAttendance.objects.create(
        session=wednesday_b, link=link_b, attended=False, recorded_by=family_week.clinician_2
    )
    browser = login(parent)
    page_b = browser.get(reverse("families:child_home", args=[family_week.client_b.pk])).content.decode()
    assert "We missed you" not in page_b
    assert f"you were at {family_week.client_a.first_name}'s family group, which met at the same time." in page_b
    page_a = browser.get(reverse("families:child_home", args=[family_week.client_a.pk])).content.decode()
    assert "You came to family group" in page_a

    # Once the link to the other child is suspended, that child is not named any more.
    link_a.portal_suspended, link_a.suspended_reason = True, "Court order: no contact about this child"
    link_a.save()
    page_b = browser.get(reverse("families:child_home", args=[family_week.client_b.pk])).content.decode()
    assert family_week.client_a.first_name not in page_b
    assert "We missed you at family group" in page_b


def test_siblings_in_one_cohort_share_a_family_group(family_week, login):
    """Marked present for one child and absent for the other at the same family group:
    the parent was there, and both children's pages say so."""
    parent = family_week.family_a
    link = parent.family_links.get(client=family_week.client_a)
    sibling = factories.ClientFactory(cohort=family_week.client_a.cohort)
    sibling_link = factories.FamilyLinkFactory(family_member=parent, client=sibling)
    wednesday = family_week.sessions[family_week.client_a.pk][2]
    FamilyGroupAttendance.objects.create(
        session=wednesday, link=link, attended=True, recorded_by=family_week.clinician_1
    )
    FamilyGroupAttendance.objects.create(
        session=wednesday, link=sibling_link, attended=False, recorded_by=family_week.clinician_1
    )
    page = login(parent).get(reverse("families:child_home", args=[sibling.pk])).content.decode()
    assert "You came to family group" in page and "We missed you" not in page and "which met" not in page


def test_a_parent_who_missed_family_group_is_told_so(family_week, login):
    link = family_week.family_a.family_links.get()
    wednesday = family_week.sessions[family_week.client_a.pk][2]
    FamilyGroupAttendance.objects.create(
        session=wednesday, link=link, attended=False, recorded_by=family_week.clinician_1
    )
    page = login(family_week.family_a).get(reverse("families:home")).content.decode()
    assert "We missed you at family group" in page and "at the same time" not in page
