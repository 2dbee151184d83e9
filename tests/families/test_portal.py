"""The family portal per child: what it shows, to whom, and that any URL about
another client is a 404."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from families import portal, summaries
from families.models import PersonalNote
from groups.hours import weekly_hours
from groups.models import Enrollment
from groups.recurrence import week_start
from iop.models import AuditEntry
from tests import factories
from tests.families.conftest import evening

pytestmark = pytest.mark.django_db


def portal_urls(clinic, client):
    summary = clinic.summaries[client.pk]
    return [
        reverse("families:child_home", args=[client.pk]),
        reverse("families:archive", args=[client.pk]),
        reverse("families:summary", args=[client.pk, summary.pk]),
    ]


def test_own_family_sees_each_portal_page_of_their_child(family_week, login):
    browser = login(family_week.family_a)
    for url in [
        reverse("families:home"),
        reverse("families:preferences"),
        *portal_urls(family_week, family_week.client_a),
    ]:
        response = browser.get(url)
        assert response.status_code == 200, url
        assert "Blake" not in response.content.decode()


@pytest.mark.parametrize("role", ["family_b"])
def test_another_family_gets_404_for_every_url_about_the_child(family_week, login, role):
    browser = login(family_week.role(role))
    for url in portal_urls(family_week, family_week.client_a):
        assert browser.get(url).status_code == 404, url


def test_a_summary_of_another_cohort_under_own_child_is_404(family_week, login):
    other = family_week.summaries[family_week.client_b.pk]
    url = reverse("families:summary", args=[family_week.client_a.pk, other.pk])
    assert login(family_week.family_a).get(url).status_code == 404


@pytest.mark.parametrize("role", ["clinician_1", "clinician_2", "admin", "superuser"])
def test_staff_cannot_open_portal_pages(family_week, login, role):
    browser = login(family_week.role(role))
    for url in [reverse("families:home"), *portal_urls(family_week, family_week.client_a)]:
        assert browser.get(url).status_code == 403, url


def test_home_shows_week_summary_evenings_cancelled_family_group_and_attendance(family_week, login):
    monday, tuesday, wednesday, thursday = family_week.sessions[family_week.client_a.pk]
    factories.AttendanceFactory(session=monday, client=family_week.client_a, status="late", late_minutes=30)
    factories.AttendanceFactory(session=factories.SessionFactory(), client=family_week.client_b)

    page = login(family_week.family_a).get(reverse("families:home")).content.decode()

    assert family_week.summaries[family_week.client_a.pk].skill_title in page
    assert "Cancelled" in page
    assert "Late" in page
    assert "Hours in group this week: 2.5 of 9.0" in page
    assert f"{wednesday.family_group_starts_at.astimezone(wednesday.local_start.tzinfo):%H:%M}" in page
    assert "No reports have been shared with you yet." in page


def test_an_evening_moved_reads_as_moved_to_its_new_day_in_the_familys_language(monday_morning, family_week, login):
    from groups import changes

    tuesday = family_week.sessions[family_week.client_a.pk][1]
    friday = changes.reschedule(tuesday, tuesday.starts_at + datetime.timedelta(days=3), family_week.admin)
    browser = login(family_week.family_a)

    page = browser.get(reverse("families:home")).content.decode()
    assert f"Moved to {friday.local_start:%a} {friday.local_start.day} {friday.local_start:%b}, " in page
    assert page.count("Cancelled") == 1  # Thursday's holiday only

    family_week.family_a.language = "es"
    family_week.family_a.save(update_fields=["language"])
    assert "Trasladada al vie" in browser.get(reverse("families:home")).content.decode()

    # The new day cancelled in turn: the first one no longer points to it.
    friday.status, friday.cancel_reason = "cancelled", "Snow"
    friday.save()
    family_week.family_a.language = "en"
    family_week.family_a.save(update_fields=["language"])
    page = browser.get(reverse("families:home")).content.decode()
    assert "Moved to" not in page and page.count("Cancelled") == 3


def test_the_coming_weeks_cancelled_and_moved_evenings_are_listed_for_the_childs_cohort_only(family_week, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from groups import changes

    cohort, other_cohort = family_week.client_a.cohort, family_week.client_b.cohort
    monday = week_start(timezone.localdate())
    next_tuesday = evening(cohort, monday + datetime.timedelta(weeks=1, days=1))
    friday = changes.reschedule(next_tuesday, next_tuesday.starts_at + datetime.timedelta(days=3), family_week.admin)
    closed = evening(cohort, monday + datetime.timedelta(weeks=3, days=2))
    changes.apply_closure(factories.ClosureFactory(starts_on=closed.local_date, cohort=cohort))
    evening(cohort, monday + datetime.timedelta(weeks=2), status="cancelled", cancel_reason="Staff training")
    evening(cohort, monday + datetime.timedelta(weeks=6), status="cancelled", cancel_reason="Too far ahead")
    evening(other_cohort, monday + datetime.timedelta(weeks=1, days=2), status="cancelled", cancel_reason="Other")
    browser = login(family_week.family_a)
    url = reverse("families:home")
    browser.get(url)
    with CaptureQueriesContext(connection) as three_changes:
        page = browser.get(url).content.decode()

    ahead = page.split("Changes in the coming weeks", 1)[1].split("</ul>", 1)[0]
    assert f"Moved to {friday.local_start:%a} {friday.local_start.day} {friday.local_start:%b}, 17:30–20:30" in ahead
    assert "Cancelled: holiday" in ahead  # the closure, with its reason
    assert ahead.count("Cancelled") == 2  # the closure and the training evening; not 6 weeks ahead
    assert f"{friday.local_start:%a} {friday.local_start.day} {friday.local_start:%b}</span>" not in ahead
    # Another cohort's cancellation is not this child's; each change costs no query of its own.
    family_week.family_a.family_links.update(client=family_week.client_b)
    ahead = browser.get(url).content.decode().split("Changes in the coming weeks", 1)[1].split("</ul>", 1)[0]
    assert ahead.count("Cancelled") == 1 and "Moved to" not in ahead and "holiday" not in ahead
    family_week.family_a.family_links.update(client=family_week.client_a)
    for weeks in (1, 2):
        closed = evening(cohort, monday + datetime.timedelta(weeks=weeks, days=3))
        changes.apply_closure(factories.ClosureFactory(starts_on=closed.local_date, cohort=cohort))
    with CaptureQueriesContext(connection) as five_changes:
        assert browser.get(url).content.decode().count("Cancelled: holiday") == 3
    assert len(five_changes) == len(three_changes)


def test_a_make_up_evening_in_the_coming_weeks_is_listed_with_the_evening_it_stands_in_for(family_week, login):
    from groups import changes

    cohort = family_week.client_a.cohort
    monday = week_start(timezone.localdate())
    closed = evening(cohort, monday + datetime.timedelta(weeks=2, days=1))
    changes.apply_closure(factories.ClosureFactory(starts_on=closed.local_date, cohort=cohort))
    closed.refresh_from_db()
    saturday = timezone.make_aware(
        datetime.datetime.combine(monday + datetime.timedelta(weeks=2, days=5), datetime.time(10))
    )
    changes.add_make_up(cohort, saturday, family_week.admin, replaces=closed)
    changes.add_make_up(cohort, saturday + datetime.timedelta(weeks=1), family_week.admin)
    page = login(family_week.family_a).get(reverse("families:home")).content.decode()
    ahead = page.split("Changes in the coming weeks", 1)[1].split("</ul>", 1)[0]
    day = closed.local_start
    assert f"Make-up evening, for {day:%a} {day.day} {day:%b}" in ahead
    assert f"{saturday:%a} {saturday.day} {saturday:%b}</span> 10:00" in ahead
    assert "Extra evening" in ahead

    translation_page = login(family_week.family_a)
    translation_page.post(reverse("families:set_language"), {"language": "es"})
    spanish = translation_page.get(reverse("families:home")).content.decode()
    assert "Sesión de recuperación" in spanish and "Sesión adicional" in spanish


def test_unpublished_summary_is_not_shown(family_week, login):
    summary = family_week.summaries[family_week.client_a.pk]
    summary.status, summary.published_at, summary.published_by = "draft", None, None
    summary.save()
    browser = login(family_week.family_a)
    assert "not ready yet" in browser.get(reverse("families:home")).content.decode()
    assert browser.get(reverse("families:summary", args=[family_week.client_a.pk, summary.pk])).status_code == 404


def test_parent_of_two_children_switches_between_them(family_week, login):
    factories.FamilyLinkFactory(family_member=family_week.family_a, client=family_week.client_b)
    browser = login(family_week.family_a)

    home = browser.get(reverse("families:home")).content.decode()
    other = browser.get(reverse("families:child_home", args=[family_week.client_b.pk])).content.decode()

    assert reverse("families:child_home", args=[family_week.client_b.pk]) in home
    assert family_week.summaries[family_week.client_b.pk].skill_title in other


def test_viewing_the_childs_pages_is_audited(family_week, login):
    client = family_week.client_a
    login(family_week.family_a).get(reverse("families:summary", args=[client.pk, family_week.summaries[client.pk].pk]))
    entry = AuditEntry.objects.filter(event="family_view").latest("pk")
    assert entry.client_id == client.pk and entry.actor == family_week.family_a


def test_archive_lists_only_weeks_the_child_was_enrolled(family_week, login):
    import datetime

    cohort = family_week.client_a.cohort
    before = family_week.summaries[family_week.client_a.pk].week_of - datetime.timedelta(weeks=10)
    old = factories.SkillSummaryFactory(cohort_week=factories.CohortWeekFactory(cohort=cohort, week_of=before))

    page = login(family_week.family_a).get(reverse("families:archive", args=[family_week.client_a.pk]))

    assert family_week.summaries[family_week.client_a.pk].skill_title in page.content.decode()
    assert old.skill_title not in page.content.decode()


def test_suspended_link_hides_the_child(family_week, login):
    link = family_week.family_a.family_links.get()
    link.portal_suspended, link.suspended_reason = True, "Court order"
    link.save()
    browser = login(family_week.family_a)

    home = browser.get(reverse("families:home")).content.decode()

    assert "Please call the clinic" in home and "Court order" not in home
    assert browser.get(reverse("families:child_home", args=[family_week.client_a.pk])).status_code == 404


def test_home_query_count_is_pinned(family_week, login, django_assert_max_num_queries):
    browser = login(family_week.family_a)
    with django_assert_max_num_queries(30):
        assert browser.get(reverse("families:home")).status_code == 200


def test_home_week_hours_match_the_hours_page_after_a_mid_week_transfer(family_week):
    """The home counts the week's hours from the evenings it has read; they are the
    hours the staff's hours page shows, evenings of the cohort left mid-week included."""
    client = family_week.client_a
    monday, tuesday, wednesday, _thursday = family_week.sessions[client.pk]
    first = Enrollment.objects.get(client=client)
    first.ended_on, first.end_reason = tuesday.local_date, Enrollment.EndReason.TRANSFER
    first.save()
    factories.EnrollmentFactory(client=client, cohort=family_week.client_b.cohort, started_on=wednesday.local_date)
    factories.AttendanceFactory(session=monday, client=client)
    factories.AttendanceFactory(session=family_week.sessions[family_week.client_b.pk][2], client=client)

    week = portal.child_week(client, family_week.family_a, now=monday.starts_at - datetime.timedelta(hours=1))

    (expected,) = weekly_hours([client], [week.monday], week.today)[0].weeks
    assert week.hours == expected
    assert week.hours.minutes_attended == monday.duration_minutes * 2
    assert [evening.session for evening in week.evenings] == family_week.sessions[client.pk]


def test_home_next_evening_is_the_cohorts_next_scheduled_one_even_in_a_later_week(family_week):
    client = family_week.client_a
    monday, _tuesday, wednesday, thursday = family_week.sessions[client.pk]
    member = family_week.family_a

    assert portal.child_week(client, member, now=monday.starts_at).next_evening == monday
    # Thursday is cancelled: after Wednesday the next evening is next week's.
    assert portal.child_week(client, member, now=wednesday.ends_at).next_evening is None
    later = evening(client.cohort, week_start(timezone.localdate()) + datetime.timedelta(days=7))
    evening(client.cohort, week_start(timezone.localdate()) + datetime.timedelta(days=8))
    week = portal.child_week(client, member, now=wednesday.ends_at)
    assert week.next_evening == later
    assert thursday not in [week.next_evening] and later not in [e.session for e in week.evenings]


def test_home_mentions_a_note_only_once_released_to_this_child(family_week, login):
    summary = family_week.summaries[family_week.client_a.pk]
    browser = login(family_week.family_a)
    mention = "The team has added a note for you."
    other = factories.ClientFactory(cohort=family_week.client_a.cohort)
    their_note = PersonalNote.objects.create(
        summary=summary, client=other, text="Theirs.", written_by=family_week.clinician_1
    )
    summaries.release_note(their_note, by=family_week.clinician_1)
    note = PersonalNote.objects.create(
        summary=summary, client=family_week.client_a, text="A good week.", written_by=family_week.clinician_1
    )

    assert mention not in browser.get(reverse("families:home")).content.decode()
    summaries.release_note(note, by=family_week.clinician_1)
    assert mention in browser.get(reverse("families:home")).content.decode()


def test_today_s_evening_is_tonight_until_it_ends():
    starts = timezone.make_aware(datetime.datetime(2026, 12, 2, 17, 30))
    session = factories.SessionFactory.build(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))
    evening = portal.Evening(session)
    with time_machine.travel(starts - datetime.timedelta(hours=4), tick=False):
        assert evening.is_tonight
    with time_machine.travel(starts + datetime.timedelta(hours=2), tick=False):
        assert evening.is_tonight
    with time_machine.travel(starts + datetime.timedelta(hours=3, minutes=1), tick=False):
        assert not evening.is_tonight
    with time_machine.travel(starts - datetime.timedelta(days=1), tick=False):
        assert not evening.is_tonight


def test_family_group_card_invites_before_the_group_and_reports_it_after(family_week, login):
    wednesday = family_week.sessions[family_week.client_a.pk][2]
    browser = login(family_week.family_a)
    with time_machine.travel(wednesday.family_group_starts_at - datetime.timedelta(hours=3), tick=False):
        page = browser.get(reverse("families:home")).content.decode()
    assert "Join the group to learn this week's skill." in page and "family group was on" not in page
    with time_machine.travel(wednesday.family_group_ends_at + datetime.timedelta(minutes=1), tick=False):
        page = browser.get(reverse("families:home")).content.decode()
    assert "This week's family group was on" in page and "Join the group" not in page


def test_a_summary_read_in_spanish_says_the_team_writes_in_english_and_marks_its_language(family_week, login):
    summary = family_week.summaries[family_week.client_a.pk]
    url = reverse("families:summary", args=[family_week.client_a.pk, summary.pk])
    parent = family_week.family_a
    english = login(parent).get(url).content.decode()
    assert "The team writes the weekly summaries in English" not in english
    assert '<html lang="en"' in english

    parent.language = "es"
    parent.save()
    spanish = login(parent).get(url).content.decode()
    assert '<html lang="es"' in spanish
    assert "El equipo escribe los resúmenes semanales en inglés." in spanish
    # The team's own words carry their language, for screen readers (WCAG 3.1.2).
    assert f'<h1 class="h3" lang="en">{summary.skill_title}</h1>' in spanish
    assert spanish.count('lang="en"') >= 5
    home = login(parent).get(reverse("families:home")).content.decode()
    assert f'<p class="fw-semibold mb-1" lang="en">{summary.skill_title}</p>' in home
    assert "El equipo escribe los resúmenes semanales en inglés." in home  # said where the English first shows
    parent.language = "en"
    parent.save()
    assert "The team writes the weekly summaries" not in login(parent).get(reverse("families:home")).content.decode()


def test_the_child_tabs_on_past_skills_open_the_other_child_s_past_skills(family_week, login):
    parent = family_week.family_a
    factories.FamilyLinkFactory(family_member=parent, client=family_week.client_b)
    a, b = family_week.client_a, family_week.client_b
    page = login(parent).get(reverse("families:archive", args=[a.pk])).content.decode()
    assert f'href="{reverse("families:archive", args=[b.pk])}"' in page
    home = login(parent).get(reverse("families:child_home", args=[a.pk])).content.decode()
    assert f'href="{reverse("families:child_home", args=[b.pk])}"' in home


def test_the_homes_enrolled_week_rule_is_the_one_the_archive_queries(family_week):
    """The home checks the enrollments it has read in Python; the archive asks the
    database (``enrolled_weeks_of``). Both give the same weeks."""
    from families.models import SkillSummary, enrolled_in_week, enrolled_weeks_of

    client = family_week.client_a
    cohort, other = client.cohort, family_week.client_b.cohort
    monday = week_start(timezone.localdate())
    weeks = [monday + datetime.timedelta(weeks=n) for n in range(-8, 3)]
    summaries = {
        (c.pk, week): factories.SkillSummaryFactory(cohort_week=factories.CohortWeekFactory(cohort=c, week_of=week))
        for c in (cohort, other)
        for week in weeks
        if not SkillSummary.objects.filter(cohort_week__cohort=c, cohort_week__week_of=week).exists()
    }
    Enrollment.objects.filter(client=client).delete()
    enrollments = [
        Enrollment(client=client, cohort=other, started_on=weeks[0] + datetime.timedelta(days=3), ended_on=weeks[3]),
        Enrollment(client=client, cohort=cohort, started_on=weeks[3] + datetime.timedelta(days=2)),
    ]
    in_database = set(
        SkillSummary.objects.filter(pk__in=[s.pk for s in summaries.values()])
        .filter(enrolled_weeks_of(enrollments))
        .values_list("cohort_week__cohort_id", "cohort_week__week_of")
    )
    in_python = {key for key in summaries if enrolled_in_week(enrollments, *key)}
    assert in_python == in_database
    assert (other.pk, weeks[0]) in in_python and (other.pk, weeks[4]) not in in_python
    assert (cohort.pk, weeks[3]) in in_python and (cohort.pk, weeks[2]) not in in_python
