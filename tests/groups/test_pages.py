"""What the scheduling pages show and what their forms do, as the people using them."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Attendance, Closure, Cohort, CohortWeek, Enrollment, Session
from groups.recurrence import week_start
from iop.models import AuditEntry, OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def test_week_calendar_shows_each_evening_and_links_to_the_next_week(enrolled, evenings, login):
    teens, _ = evenings
    page = text(login(enrolled.admin).get(reverse("groups:week")))
    assert teens.cohort.name in page and "1 client expected" in page
    assert "17:30\u201320:30" in page
    nxt = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday()) + datetime.timedelta(7)
    assert f"?week={nxt:%Y-%m-%d}" in page


def test_week_calendar_query_count_does_not_grow_with_evenings(
    enrolled, evenings, login, django_assert_max_num_queries
):
    teens, _ = evenings
    for days in range(2, 6):
        factories.SessionFactory(cohort=teens.cohort, day=timezone.localdate() + datetime.timedelta(days=days))
    web = login(enrolled.admin)
    with django_assert_max_num_queries(17):
        web.get(reverse("groups:week") + f"?week={teens.local_date:%Y-%m-%d}")


def test_bad_week_parameter_falls_back_to_this_week(enrolled, login):
    assert login(enrolled.admin).get(reverse("groups:week") + "?week=2026-02-31").status_code == 200


def test_session_detail_shows_roster_warnings_and_is_audited(enrolled, evenings, login):
    teens, tweens = evenings
    tweens.facilitators.add(enrolled.clinician_1)

    page = text(login(enrolled.clinician_1).get(reverse("groups:session_detail", args=[teens.pk])))

    assert enrolled.client_a.display_name in page
    assert enrolled.client_b.display_name not in page
    assert "also facilitates" in page
    assert "Check-in" in page
    assert AuditEntry.objects.filter(event="view_session", object_pk=str(teens.pk)).exists()


def test_attendance_form_saves_and_minutes_follow(enrolled, tonight, login):
    teens, _ = tonight
    client = enrolled.client_a
    url = reverse("groups:attendance", args=[teens.pk])

    response = login(enrolled.clinician_1).post(url, {f"status_{client.pk}": "late", f"late_{client.pk}": "25"})

    assert response.status_code == 302
    row = Attendance.objects.get(session=teens, client=client)
    assert (row.status, row.late_minutes, row.minutes_attended, row.recorded_by) == (
        "late",
        25,
        155,
        enrolled.clinician_1,
    )


def test_attendance_form_explains_missing_minutes_and_keeps_the_choice(enrolled, tonight, login):
    teens, _ = tonight
    client = enrolled.client_a
    response = login(enrolled.admin).post(
        reverse("groups:attendance", args=[teens.pk]), {f"status_{client.pk}": "left_early", f"late_{client.pk}": "5"}
    )

    page = text(response)
    assert response.status_code == 200
    assert "How many minutes early did they leave?" in page
    assert 'value="left_early" selected' in page
    assert not Attendance.objects.exists()
    response = login(enrolled.admin).post(
        reverse("groups:attendance", args=[teens.pk]), {f"status_{client.pk}": "present", f"late_{client.pk}": "5"}
    )
    assert "Minutes late go with the status" in text(response) and not Attendance.objects.exists()


def test_late_and_left_early_on_one_evening_both_come_off_the_hours(enrolled, tonight, login):
    teens, _ = tonight
    client = enrolled.client_a
    url = reverse("groups:attendance", args=[teens.pk])
    browser = login(enrolled.clinician_1)
    both = {f"status_{client.pk}": "late", f"late_{client.pk}": "30", f"left_{client.pk}": "45"}
    assert browser.post(url, both).status_code == 302
    row = Attendance.objects.get(session=teens, client=client)
    assert (row.late_minutes, row.left_early_minutes, row.minutes_attended) == (30, 45, 180 - 75)
    page = text(browser.get(reverse("groups:session_detail", args=[teens.pk])))
    assert "30 min late" in page and "left 45 min early" in page

    whole = {**both, f"left_{client.pk}": "150"}
    response = browser.post(url, whole)
    assert "take the whole evening" in text(response)
    assert Attendance.objects.get(session=teens, client=client).left_early_minutes == 45


def test_only_an_absence_can_be_recorded_for_an_evening_still_to_come(enrolled, evenings, login):
    teens, _ = evenings  # tomorrow
    client = enrolled.client_a
    url = reverse("groups:attendance", args=[teens.pk])
    browser = login(enrolled.clinician_1)
    for status in ("present", "late", "left_early"):
        response = browser.post(url, {f"status_{client.pk}": status, f"late_{client.pk}": "10"})
        assert response.status_code == 200 and "only an absence" in text(response)
        assert f'value="{status}" selected' in text(response)
    assert not Attendance.objects.exists()
    assert browser.post(url, {f"status_{client.pk}": "excused"}).status_code == 302
    assert Attendance.objects.get(session=teens, client=client).status == "excused"


def test_attendance_of_a_cancelled_evening_cannot_be_saved(enrolled, evenings, login):
    teens, _ = evenings
    Session.objects.filter(pk=teens.pk).update(status="cancelled", cancel_reason="Weather")
    client = enrolled.client_a

    response = login(enrolled.admin).post(
        reverse("groups:attendance", args=[teens.pk]), {f"status_{client.pk}": "present"}
    )

    assert response.status_code == 200
    assert not Attendance.objects.exists()
    assert '<fieldset class="border-0 p-0 m-0" disabled>' in text(response)  # nothing to type into
    assert "Save attendance" not in text(response)


def test_saving_attendance_says_how_many_marks_in_plain_words(enrolled, tonight, login):
    teens, _ = tonight
    client = enrolled.client_a
    url = reverse("groups:attendance", args=[teens.pk])
    browser = login(enrolled.clinician_1)
    assert "Attendance saved for 1 client." in text(browser.post(url, {f"status_{client.pk}": "present"}, follow=True))
    cleared = {f"status_{client.pk}": "", f"initial-status_{client.pk}": "present"}
    assert "Attendance saved for 1 client." in text(browser.post(url, cleared, follow=True))
    assert not Attendance.objects.filter(session=teens, client=client).exists()
    assert "Attendance unchanged" in text(browser.post(url, {f"status_{client.pk}": ""}, follow=True))


def cohort_post(clinician, **overrides):
    data = {
        "name": "Young teens",
        "slug": "young-teens",
        "age_min": "13",
        "age_max": "15",
        "weekdays": ["0", "1", "2", "3"],
        "start_time": "17:30",
        "duration_minutes": "180",
        "room": "Room C",
        "capacity": "8",
        "lead_clinician": str(clinician.pk),
        "active_from": "2026-12-01",
        "family_group_weekday": "2",
        "family_group_start": "19:30",
        "family_group_minutes": "60",
    }
    return {**data, **overrides}


def test_admin_sets_up_a_cohort_with_a_family_group(enrolled, login):
    response = login(enrolled.admin).post(reverse("groups:cohort_new"), cohort_post(enrolled.clinician_1))

    assert response.status_code == 302
    cohort = Cohort.objects.get(slug="young-teens")
    assert (cohort.weekdays, cohort.family_group_label) == ([0, 1, 2, 3], "Wed 19:30-20:30")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"family_group_start": "20:00"}, "must fall within the evening"),
        ({"family_group_weekday": "4"}, "on one of the group&#x27;s evenings"),
        ({"family_group_start": ""}, "Give both the evening and the start time"),
        ({"age_max": "12"}, "must not be below the youngest"),
        ({"weekdays": []}, "This field is required"),
        ({"start_time": "21:00", "family_group_weekday": "", "family_group_start": ""}, "this would run 21:00–00:00"),
    ],
)
def test_cohort_form_explains_errors_and_keeps_what_was_typed(enrolled, login, overrides, message):
    response = login(enrolled.admin).post(reverse("groups:cohort_new"), cohort_post(enrolled.clinician_1, **overrides))

    assert response.status_code == 200
    assert message in text(response)
    assert 'value="Young teens"' in text(response)
    assert not Cohort.objects.filter(slug="young-teens").exists()


def test_generate_page_creates_evenings_and_reports(enrolled, login):
    monday = timezone.localdate() + datetime.timedelta(days=14 - timezone.localdate().weekday())
    data = {"cohort": "", "first": f"{monday}", "last": f"{monday + datetime.timedelta(days=6)}"}

    web = login(enrolled.admin)
    response = web.post(reverse("groups:generate"), data, follow=True)

    assert Session.objects.count() == 8
    assert "8 evenings created" in text(response)
    web.post(reverse("groups:generate"), data)
    assert Session.objects.count() == 8


def test_generate_page_refuses_a_reversed_range(enrolled, login):
    response = login(enrolled.admin).post(reverse("groups:generate"), {"first": "2026-12-10", "last": "2026-12-01"})
    assert "on or after the start date" in text(response)
    assert 'value="2026-12-10"' in text(response)


def test_closure_preview_lists_evenings_without_saving(enrolled, evenings, login):
    teens, tweens = evenings
    data = {"starts_on": f"{teens.local_date}", "ends_on": f"{teens.local_date}", "reason": "weather", "preview": "1"}

    page = text(login(enrolled.admin).post(reverse("groups:closures"), data))

    assert "This closure will cancel 2 evenings" in page
    assert str(teens) in page and str(tweens) in page
    assert not Closure.objects.exists()
    assert Session.objects.filter(status="cancelled").count() == 0


def as_previewed(browser, data):
    """The closure form as "Save" sends it: with the evenings its preview listed."""
    page = browser.post(reverse("groups:closures"), {**data, "preview": "1"}).content.decode()
    return {**data, "previewed": re.search(r'name="previewed" value="([^"]*)"', page).group(1), "confirm": "1"}


def test_closure_confirm_cancels_evenings_and_queues_family_notices(enrolled, evenings, login):
    teens, _ = evenings
    browser = login(enrolled.admin)
    data = as_previewed(
        browser, {"starts_on": f"{teens.local_date}", "ends_on": f"{teens.local_date}", "reason": "weather"}
    )

    response = browser.post(reverse("groups:closures"), data)

    assert response.status_code == 302
    assert Session.objects.filter(status="cancelled").count() == 2
    assert OutboxMessage.objects.filter(kind="closure").count() == 2
    assert Closure.objects.get().created_by == enrolled.admin

    # The list says the year (closures are planned months ahead), and the same closure
    # cannot be saved twice, which would tell every family again.
    day = teens.local_date
    page = text(login(enrolled.admin).get(reverse("groups:closures")))
    assert f"{day:%a} {day.day} {day:%b %Y} (weather, all cohorts)" in page
    again = login(enrolled.admin).post(reverse("groups:closures"), data)
    assert again.status_code == 200 and "This closure is already saved" in text(again)
    assert Closure.objects.count() == 1 and OutboxMessage.objects.filter(kind="closure").count() == 2


def test_a_closure_saved_before_its_evenings_exist_tells_families_when_they_are_made(enrolled, login):
    from groups import schedule

    cohort = enrolled.client_a.cohort
    monday = timezone.localdate() + datetime.timedelta(weeks=3, days=-timezone.localdate().weekday())
    browser = login(enrolled.admin)
    data = as_previewed(
        browser, {"starts_on": f"{monday}", "ends_on": f"{monday}", "cohort": cohort.pk, "reason": "weather"}
    )
    response = browser.post(reverse("groups:closures"), data, follow=True)
    assert "No evenings are scheduled on those days yet" in text(response)
    assert not OutboxMessage.objects.filter(kind="closure").exists()

    result = schedule.generate_all([cohort], monday, monday + datetime.timedelta(days=6))
    assert result.cancelled_by_closure == 1
    told = OutboxMessage.objects.filter(kind="closure")
    assert [message.recipient for message in told] == [enrolled.family_a]
    assert f"No group on {monday:%a} {monday.day} {monday:%b}" in told.get().body
    schedule.generate_all([cohort], monday, monday + datetime.timedelta(days=6))  # again: nobody told twice
    assert told.count() == 1

    # A closure over two weeks, made a week at a time: the second week's evenings are told too.
    later = monday + datetime.timedelta(weeks=2)
    data = {**data, "starts_on": f"{later}", "ends_on": f"{later + datetime.timedelta(days=10)}"}
    assert browser.post(reverse("groups:closures"), data).status_code == 302
    schedule.generate_all([cohort], later, later + datetime.timedelta(days=6))
    schedule.generate_all([cohort], later + datetime.timedelta(weeks=1), later + datetime.timedelta(days=13))
    assert OutboxMessage.objects.filter(kind="closure").count() == 3


@pytest.mark.parametrize(
    "note", ["", "<script>alert(1)</script>", "Snow ❄️ día", "'; DROP TABLE groups_session; --", "x" * 500]
)
def test_closure_form_never_fails_on_odd_input(enrolled, evenings, login, note):
    data = {"starts_on": "2026-12-03", "ends_on": "2026-12-01", "reason": "other", "note": note, "preview": "1"}
    response = login(enrolled.admin).post(reverse("groups:closures"), data)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in text(response)
    assert "on or after the first day" in text(response)


@pytest.mark.parametrize(
    ("start_time", "runs"), [("23:00", "23:00–02:00"), ("06:00", "06:00–09:00"), ("20:00", "20:00–23:00")]
)
def test_an_evening_is_not_moved_outside_the_clinics_hours(enrolled, evenings, login, start_time, runs):
    teens, _ = evenings
    new_day = teens.local_date + datetime.timedelta(days=2)
    response = login(enrolled.admin).post(
        reverse("groups:reschedule", args=[teens.pk]), {"day": f"{new_day}", "start_time": start_time}
    )
    assert response.status_code == 200
    assert f"between 07:00 and 22:00; this would run {runs}" in text(response)
    assert f'value="{start_time}"' in text(response)
    assert not Session.objects.filter(kind="rescheduled").exists()
    assert not OutboxMessage.objects.filter(kind="reschedule").exists()


def test_move_page_moves_the_evening(enrolled, evenings, login):
    teens, _ = evenings
    new_day = teens.local_date + datetime.timedelta(days=1)
    response = login(enrolled.admin).post(
        reverse("groups:reschedule", args=[teens.pk]), {"day": f"{new_day}", "start_time": "18:00"}
    )
    moved = Session.objects.get(kind="rescheduled")
    assert response.url == reverse("groups:session_detail", args=[moved.pk])
    assert (moved.local_date, moved.local_start.hour) == (new_day, 18)


def test_move_onto_another_evening_of_the_cohort_is_explained(enrolled, evenings, login):
    teens, _ = evenings
    other = factories.SessionFactory(cohort=teens.cohort, day=teens.local_date + datetime.timedelta(days=1))
    response = login(enrolled.admin).post(
        reverse("groups:reschedule", args=[teens.pk]), {"day": f"{other.local_date}", "start_time": "18:00"}
    )
    assert "already meets at that time" in text(response)


def test_make_up_page_adds_an_evening(enrolled, evenings, login):
    teens, _ = evenings
    day = teens.local_date + datetime.timedelta(days=5)
    response = login(enrolled.admin).post(
        reverse("groups:make_up", args=[teens.cohort_id]), {"day": f"{day}", "start_time": "10:00", "replaces": ""}
    )
    assert response.status_code == 302
    assert Session.objects.get(kind="make_up").local_start.hour == 10


def test_session_edit_parses_the_agenda_and_explains_bad_lines(enrolled, evenings, login):
    teens, _ = evenings
    url = reverse("groups:session_edit", args=[teens.pk])
    web = login(enrolled.admin)
    bad = web.post(url, {"room": "Gym", "facilitators": [enrolled.clinician_1.pk], "agenda_text": "Check-in | twenty"})
    assert "Line 1 should read" in text(bad) and "Check-in | twenty" in text(bad)

    web.post(url, {"room": "Gym", "facilitators": [enrolled.clinician_1.pk], "agenda_text": "Walk | 60\nTalk | 90"})
    teens.refresh_from_db()
    assert (teens.room, teens.agenda) == ("Gym", [{"title": "Walk", "minutes": 60}, {"title": "Talk", "minutes": 90}])


def test_enrollment_page_transfers_and_discharges(enrolled, login):
    client = enrolled.client_a
    url = reverse("groups:client_enrollment", args=[client.pk])
    web = login(enrolled.admin)
    later = timezone.localdate() + datetime.timedelta(days=7)

    move = {"action": "transfer", "transfer-cohort": enrolled.client_b.cohort_id, "transfer-on": f"{later}"}
    web.post(url, move | {"transfer-outside_age_band": "on"})  # client B's cohort is for other ages
    client.refresh_from_db()
    assert client.cohort == enrolled.client_b.cohort

    web.post(url, {"action": "discharge", "discharge-on": f"{later + datetime.timedelta(days=7)}"})
    client.refresh_from_db()
    assert (client.status, client.cohort) == ("discharged", None)
    assert Enrollment.objects.filter(client=client, ended_on__isnull=True).count() == 0


def test_enrollment_page_explains_a_transfer_before_the_start(enrolled, login):
    client = enrolled.client_a
    enrollment = client.enrollments.get()
    enrollment.started_on = timezone.localdate() - datetime.timedelta(days=5)
    enrollment.save()
    before = f"{timezone.localdate() - datetime.timedelta(days=10)}"
    response = login(enrolled.admin).post(
        reverse("groups:client_enrollment", args=[client.pk]),
        {
            "action": "transfer",
            "transfer-cohort": enrolled.client_b.cohort_id,
            "transfer-on": before,
            "transfer-outside_age_band": "on",
        },
    )
    assert "A transfer must start after" in text(response)
    assert f'value="{before}"' in text(response)


def test_admission_is_dated_near_today_and_within_the_cohort_s_ages(enrolled, login):
    """A slip of the year (2020) or of the cohort (a 13-year-old into the 14-17 group)
    is caught with a message that says what to do; what was typed is kept."""
    referred = factories.ClientFactory(
        cohort=None,
        lead_clinician=enrolled.clinician_1,
        status="referred",
        date_of_birth=timezone.localdate() - datetime.timedelta(days=13 * 365 + 30),
    )
    teens = enrolled.client_a.cohort  # ages 14-17
    url = reverse("groups:client_enrollment", args=[referred.pk])
    web = login(enrolled.admin)
    old = web.post(url, {"action": "admit", "admit-cohort": teens.pk, "admit-on": "2020-01-01"})
    assert old.status_code == 200 and "Enter a day from" in text(old) and 'value="2020-01-01"' in text(old)
    today = f"{timezone.localdate()}"
    young = web.post(url, {"action": "admit", "admit-cohort": teens.pk, "admit-on": today})
    assert young.status_code == 200
    assert f"{referred} will be 13; {teens} is for ages 14 to 17." in text(young)
    assert not Enrollment.objects.filter(client=referred).exists()
    decided = web.post(
        url, {"action": "admit", "admit-cohort": teens.pk, "admit-on": today, "admit-outside_age_band": "on"}
    )
    assert decided.status_code == 302
    assert Enrollment.objects.get(client=referred).cohort == teens


def test_enrollment_list_query_count_is_fixed(enrolled, login, django_assert_max_num_queries):
    for _ in range(5):
        factories.ClientFactory()
    web = login(enrolled.admin)
    with django_assert_max_num_queries(10):
        web.get(reverse("groups:enrollment_list"))


def test_hours_page_query_count_is_fixed(enrolled, evenings, login, django_assert_max_num_queries):
    for _ in range(5):
        factories.EnrollmentFactory(client=factories.ClientFactory(cohort=enrolled.client_a.cohort))
    web = login(enrolled.admin)
    with django_assert_max_num_queries(13):
        web.get(reverse("groups:hours"))


def test_cohort_list_query_count_is_fixed(enrolled, login, django_assert_max_num_queries):
    for _ in range(4):
        factories.CohortFactory()
    web = login(enrolled.admin)
    with django_assert_max_num_queries(11):
        web.get(reverse("groups:cohort_list"))


def test_clinician_chooses_another_skill_for_a_week(enrolled, login):
    skills = [factories.SkillModuleFactory() for _ in range(3)]
    cohort = enrolled.client_a.cohort
    web = login(enrolled.clinician_1)
    web.get(reverse("groups:cohort_weeks", args=[cohort.pk]))
    week = CohortWeek.objects.filter(cohort=cohort).first()

    web.post(reverse("groups:cohort_weeks", args=[cohort.pk]), {"week": week.pk, "skill": skills[2].pk})

    week.refresh_from_db()
    assert (week.skill, week.overridden_by) == (skills[2], enrolled.clinician_1)


def test_clinician_cannot_choose_a_skill_for_another_cohort(enrolled, login):
    factories.SkillModuleFactory()
    cohort = enrolled.client_b.cohort
    login(enrolled.clinician_2).get(reverse("groups:cohort_weeks", args=[cohort.pk]))
    week = CohortWeek.objects.filter(cohort=cohort).first()
    response = login(enrolled.clinician_1).post(reverse("groups:cohort_weeks", args=[cohort.pk]), {"week": week.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_days_at_the_ends_of_the_calendar_get_a_clear_answer_not_an_error(enrolled, evenings, login, day):
    """A mistyped year reaches date arithmetic (the week around it, the day after) only
    inside 1900-2099; outside, forms say so and addresses fall back to this week."""
    admin = login(enrolled.admin)
    this_week = admin.get(reverse("groups:week")).context["monday"]
    assert admin.get(reverse("groups:week"), {"week": day}).context["monday"] == this_week
    assert admin.get(reverse("groups:hours"), {"week": day}).status_code == 200

    out_of_range = "Enter a date between 1900 and 2099."
    moved = admin.post(reverse("groups:reschedule", args=[evenings[0].pk]), {"day": day, "start_time": "17:30"})
    assert moved.status_code == 200 and out_of_range in text(moved)
    closure = {"starts_on": day, "ends_on": day, "reason": "weather", "note": "Snow"}
    preview = admin.post(reverse("groups:closures"), closure)
    assert preview.status_code == 200 and out_of_range in text(preview) and 'value="Snow"' in text(preview)
    assert not Closure.objects.exists()
    audit = admin.get(reverse("audit_log"), {"date_to": day})
    assert audit.status_code == 200 and out_of_range in text(audit)
    export = admin.get(reverse("audit_export"), {"date_to": day})
    assert export.status_code == 302 and export.url == reverse("audit_log")  # back to the form and its message


def test_week_cards_say_what_each_warning_is(enrolled, evenings, login):
    teens, tweens = evenings
    tweens.room = teens.room
    tweens.save()
    monday = week_start(teens.local_date)
    page = text(login(enrolled.admin).get(reverse("groups:week"), {"week": f"{monday}"}))
    assert f"{teens.room} is also booked for {tweens}." in page
    assert f"{teens.room} is also booked for {teens}." in page


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_every_date_field_refuses_days_outside_1900_to_2099(enrolled, login, day):
    """Checked on Django's date fields themselves (iop.date_limits), so model forms
    get it too: a note dated in year 1 was saved, a discharge in 9999 crashed."""
    from clinicians.models import Discharge, Note

    out_of_range = "Enter a date between 1900 and 2099."
    clinician, client = login(enrolled.clinician_1), enrolled.client_a.pk
    note = clinician.post(
        reverse("clinicians:note_new", args=[client, "individual_checkin"]),
        {
            "occurred_at": f"{day}T10:00",
            "duration_minutes": 20,
            "content": "Talked.",
            "plan": "Group.",
            "action": "save",
        },
    )
    discharge = clinician.post(
        reverse("clinicians:discharge", args=[client]), {"discharged_on": day, "follow_up_on": day}
    )
    for response in (note, discharge):
        assert response.status_code == 200 and out_of_range in text(response)
    assert not Note.objects.exists() and not Discharge.objects.exists()


def test_a_closure_of_years_is_refused_as_a_mistyped_year_and_keeps_what_was_typed(enrolled, evenings, login):
    teens, _ = evenings
    start = teens.local_date
    end = start.replace(year=start.year + 4)
    data = {"starts_on": f"{start}", "ends_on": f"{end}", "reason": "weather", "confirm": "1"}
    response = login(enrolled.admin).post(reverse("groups:closures"), data)
    page = text(response)
    assert response.status_code == 200 and "A closure covers at most 92 days" in page and "Check the year." in page
    assert f'value="{end}"' in response.content.decode()
    assert not Closure.objects.exists() and not OutboxMessage.objects.filter(kind="closure").exists()


def test_a_closure_changed_after_its_preview_is_shown_again_not_saved(enrolled, evenings, login):
    """Previewed for one day, then the last day changed before "Save": the admin saw one
    evening cancelled and would have cancelled four, and told their families."""
    teens, _ = evenings
    browser = login(enrolled.admin)
    day = f"{teens.local_date}"
    data = as_previewed(browser, {"starts_on": day, "ends_on": day, "reason": "weather", "cohort": teens.cohort_id})
    later = teens.local_date + datetime.timedelta(days=6)
    factories.SessionFactory(cohort=teens.cohort, starts_at=teens.starts_at + datetime.timedelta(days=2))
    response = browser.post(reverse("groups:closures"), {**data, "ends_on": f"{later}"})
    page = text(response)
    assert response.status_code == 200 and "has changed since the list was shown" in page
    assert f'value="{later}"' in response.content.decode()  # what was typed is kept
    assert not Closure.objects.exists() and not Session.objects.filter(status="cancelled").exists()
    # Saving the list now shown goes through.
    again = as_previewed(browser, {**data, "ends_on": f"{later}"})
    assert browser.post(reverse("groups:closures"), again).status_code == 302
    assert Closure.objects.get().ends_on == later


def test_someone_seeing_a_family_then_is_not_added_to_an_evening(enrolled, evenings, login):
    teens, _ = evenings
    other = enrolled.clinician_2
    factories.FamilyAppointmentFactory(
        client=enrolled.client_b, clinician=other, starts_at=teens.starts_at + datetime.timedelta(minutes=60)
    )
    url = reverse("groups:session_edit", args=[teens.pk])
    web = login(enrolled.admin)
    data = {"room": "Gym", "facilitators": [enrolled.clinician_1.pk, other.pk], "agenda_text": "Walk | 60"}
    refused = web.post(url, data)
    assert refused.status_code == 200 and "has a family appointment then" in text(refused)
    assert 'value="Gym"' in text(refused)
    teens.refresh_from_db()
    assert teens.room != "Gym" and other not in teens.facilitators.all()
    # Already on the evening: the room can still be changed.
    teens.facilitators.add(other)
    web.post(url, data)
    teens.refresh_from_db()
    assert teens.room == "Gym"
