"""The Tonight page and an evening's chart, as clinicians, admins and families use them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clinicians.models import GroupAddendum, GroupNote, IndividualEntry
from groups.models import Attendance
from iop.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def chart_url(session):
    return reverse("clinicians:group_chart", args=[session.pk])


def autosave_url(session):
    return reverse("clinicians:group_autosave", args=[session.pk])


def entry_data(client, **fields):
    values = {
        "participation": "active",
        "mood_affect": "Bright, reactive",
        "progress": "Used the skill twice this week.",
        "risk": "none",
        "risk_details": "",
        "plan": "Practise before school.",
    }
    values.update(fields)
    return {f"entry-{client.pk}-{name}": value for name, value in values.items()}


def note_data(**fields):
    values = {"skill": "Mindfulness", "activities": "Body scan; leaves on a stream.", "themes": "Exams."}
    values.update(fields)
    return {f"group-{name}": value for name, value in values.items()}


@pytest.fixture
def evening(clinic):
    """Tonight's evening of client A's cohort, client A enrolled and present, nothing written."""
    factories.EnrollmentFactory(client=clinic.client_a)
    session = factories.SessionFactory(cohort=clinic.client_a.cohort)
    factories.AttendanceFactory(session=session, client=clinic.client_a)
    return session


# --- Tonight ---------------------------------------------------------------------------


def test_tonight_lists_todays_evening_with_roster_and_charting_status(clinic, login, evening):
    factories.GroupNoteFactory(session=evening)
    response = login(clinic.clinician_1).get(reverse("clinicians:tonight"))
    page = response.content.decode()
    assert evening.cohort.name in page and chart_url(evening) in page
    assert "1 client" in page and "Group note in draft" in page
    assert AuditEntry.objects.filter(event="view_tonight", actor=clinic.clinician_1).exists()


def test_tonight_shows_the_next_evening_when_there_is_none_today(clinic, login):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    later = factories.SessionFactory(cohort=clinic.client_a.cohort, day=tomorrow)
    factories.SessionFactory(cohort=clinic.client_a.cohort, day=tomorrow + datetime.timedelta(days=1))
    page = login(clinic.clinician_1).get(reverse("clinicians:tonight")).content.decode()
    assert "no group today" in page and chart_url(later) in page
    assert page.count("/chart/") == 1


def test_tonight_lists_only_the_clinicians_own_evenings(clinic, login, evening):
    page = login(clinic.clinician_2).get(reverse("clinicians:tonight")).content.decode()
    assert chart_url(evening) not in page


def test_last_nights_evening_stays_on_tonight_after_midnight_until_it_is_charted(clinic, login, time_machine):
    """At 00:10 Thursday's evening is no longer tonight's; not yet charted, it is still
    listed (above the next evening), and it leaves once its group note is signed."""
    from clinicians.group_charting import sign_all

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    last_night = factories.SessionFactory(cohort=clinic.client_a.cohort, day=yesterday)
    long_ago = factories.SessionFactory(cohort=clinic.client_a.cohort, day=yesterday - datetime.timedelta(days=20))
    cancelled = factories.SessionFactory(cohort=clinic.client_a.cohort, day=yesterday - datetime.timedelta(days=2))
    cancelled.status, cancelled.cancel_reason = "cancelled", "Snow"
    cancelled.save()
    time_machine.move_to(timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(0, 10))))
    page = login(clinic.clinician_1).get(reverse("clinicians:tonight")).content.decode()
    assert "An earlier evening still to chart" in page and chart_url(last_night) in page
    assert chart_url(long_ago) not in page and chart_url(cancelled) not in page
    assert chart_url(last_night) not in login(clinic.clinician_2).get(reverse("clinicians:tonight")).content.decode()

    factories.GroupNoteFactory(session=last_night, author=clinic.clinician_1)
    sign_all(last_night, clinic.clinician_1)
    last_night.refresh_from_db()
    assert last_night.is_charted
    page = login(clinic.clinician_1).get(reverse("clinicians:tonight")).content.decode()
    assert "still to chart" not in page and chart_url(last_night) not in page

    # Charted, but someone who came has no entry, or an entry waits to be signed: still there.
    factories.AttendanceFactory(session=last_night, client=clinic.client_a)
    page = login(clinic.clinician_1).get(reverse("clinicians:tonight")).content.decode()
    assert chart_url(last_night) in page and "1 client who came has no entry yet" in page
    factories.IndividualEntryFactory(session=last_night, client=clinic.client_a, author=clinic.clinician_1)
    page = login(clinic.clinician_1).get(reverse("clinicians:tonight")).content.decode()
    assert chart_url(last_night) in page and "0 of 1 entries signed" in page
    IndividualEntry.objects.filter(session=last_night).update(signed_at=timezone.now(), signed_by=clinic.clinician_1)
    page = login(clinic.clinician_1).get(reverse("clinicians:tonight")).content.decode()
    assert chart_url(last_night) not in page


def test_an_entry_for_someone_since_marked_absent_does_not_hide_one_who_came_without_an_entry(clinic, login):
    """Client A's entry was written, then A was marked absent; B came and has none:
    the evening still has one client who came without an entry."""
    from clinicians.tonight import tonight

    session = factories.SessionFactory(cohort=clinic.client_a.cohort)
    other = factories.ClientFactory(cohort=clinic.client_a.cohort)
    factories.AttendanceFactory(session=session, client=clinic.client_a, status=Attendance.Status.ABSENT)
    factories.AttendanceFactory(session=session, client=other)
    factories.IndividualEntryFactory(session=session, client=clinic.client_a, author=clinic.clinician_1)
    _, todays = tonight(clinic.clinician_1)
    assert [(e.session, e.attended, e.entries, e.without_entry) for e in todays] == [(session, 1, 1, 1)]
    assert not todays[0].is_done
    page = login(clinic.clinician_1).get(reverse("clinicians:tonight")).content.decode()
    assert "1 client who came has no entry yet" in page


def test_clinician_home_links_to_tonight(clinic, login):
    page = login(clinic.clinician_1).get(reverse("clinician_home")).content.decode()
    assert reverse("clinicians:tonight") in page


# --- The evening's chart: who may open it ----------------------------------------------------


def test_chart_page_shows_roster_objectives_and_forms_and_is_audited(clinic, login, evening):
    plan = factories.signed_plan(clinic.client_a)
    response = login(clinic.clinician_1).get(chart_url(evening))
    page = response.content.decode()
    assert response.status_code == 200
    assert clinic.client_a.display_name in page
    assert plan.objectives.get().text in page
    assert 'name="group-skill"' in page and f'name="entry-{clinic.client_a.pk}-participation"' in page
    factories.GroupNoteFactory(session=evening)
    login(clinic.clinician_1).get(chart_url(evening))
    assert AuditEntry.objects.filter(event="view_group_note", actor=clinic.clinician_1).exists()


def test_clinician_of_the_other_cohort_gets_404(clinic, login, evening):
    assert login(clinic.clinician_2).get(chart_url(evening)).status_code == 404
    response = login(clinic.clinician_2).post(autosave_url(evening), {"part": "group", **note_data()})
    assert response.status_code == 404
    assert not GroupNote.objects.exists()


def test_program_admin_sees_no_note_contents(clinic, login, evening):
    factories.GroupNoteFactory(session=evening, themes="Secret theme of the evening")
    response = login(clinic.admin).get(chart_url(evening))
    assert response.status_code == 403
    assert b"Secret theme" not in response.content
    assert login(clinic.admin).post(autosave_url(evening), {"part": "group"}).status_code == 403


@pytest.mark.parametrize("who", ["family_a", "family_b"])
def test_families_get_404(clinic, login, evening, who):
    for url in (chart_url(evening), reverse("clinicians:tonight")):
        assert login(getattr(clinic, who)).get(url).status_code == 404


def test_superuser_reads_but_does_not_write(clinic, login, evening):
    factories.GroupNoteFactory(session=evening, themes="A shared theme")
    response = login(clinic.superuser).get(chart_url(evening))
    assert b"A shared theme" in response.content and b'name="group-themes"' not in response.content
    assert login(clinic.superuser).post(chart_url(evening), {"action": "save"}).status_code == 403


# --- Attendance ----------------------------------------------------------------------------


def test_attendance_without_javascript_and_entries_follow_it(clinic, login, evening):
    other = factories.ClientFactory(cohort=clinic.client_a.cohort, legal_first_name="Rory", legal_last_name="Vance")
    factories.EnrollmentFactory(client=other)
    client = login(clinic.clinician_1)
    page = client.get(chart_url(evening)).content.decode()
    assert f'name="entry-{other.pk}-participation"' not in page  # not marked yet
    response = client.post(
        chart_url(evening),
        {
            "action": "attendance",
            f"status_{clinic.client_a.pk}": "present",
            f"status_{other.pk}": "late",
            f"late_{other.pk}": "15",
        },
    )
    assert response.status_code == 302
    assert Attendance.objects.get(session=evening, client=other).late_minutes == 15
    page = client.get(chart_url(evening)).content.decode()
    assert f'name="entry-{other.pk}-participation"' in page


def test_mark_everyone_present_fills_only_the_unrecorded(clinic, login, evening):
    other = factories.ClientFactory(cohort=clinic.client_a.cohort)
    factories.EnrollmentFactory(client=other)
    Attendance.objects.filter(session=evening).update(status="excused")
    login(clinic.clinician_1).post(chart_url(evening), {"action": "all_present"})
    statuses = dict(Attendance.objects.filter(session=evening).values_list("client", "status"))
    assert statuses == {clinic.client_a.pk: "excused", other.pk: "present"}


def test_mark_everyone_present_keeps_the_marks_just_chosen_on_the_sheet(clinic, login, evening):
    """Late for one, absent for another, then "Mark everyone not recorded present"
    (without "Save attendance" first): the chosen marks stay, the rest are present."""
    late, absent, empty = (factories.ClientFactory(cohort=clinic.client_a.cohort) for _ in range(3))
    for client in (late, absent, empty):
        factories.EnrollmentFactory(client=client)
    sheet = {
        f"status_{clinic.client_a.pk}": "present",
        f"status_{late.pk}": "late",
        f"late_{late.pk}": "20",
        f"status_{absent.pk}": "excused",
        f"status_{empty.pk}": "",  # not recorded
    }
    login(clinic.clinician_1).post(chart_url(evening), {**sheet, "action": "all_present"})
    marks = {a.client_id: (a.status, a.late_minutes) for a in Attendance.objects.filter(session=evening)}
    assert marks == {
        clinic.client_a.pk: ("present", 0),
        late.pk: ("late", 20),
        absent.pk: ("excused", 0),
        empty.pk: ("present", 0),
    }
    # A mark that needs its minutes is sent back, with nothing marked.
    Attendance.objects.filter(session=evening).exclude(client=clinic.client_a).delete()
    response = login(clinic.clinician_1).post(
        chart_url(evening), {**sheet, f"late_{late.pk}": "", "action": "all_present"}
    )
    assert response.status_code == 400
    assert Attendance.objects.filter(session=evening).count() == 1


@pytest.mark.parametrize("action", ["attendance", "all_present", "save"])
def test_a_sheet_drawn_before_a_colleague_marked_someone_keeps_their_mark(clinic, login, evening, action):
    """The page was drawn with B not recorded; a colleague then marked B excused. This
    page's Save attendance, Mark everyone present or Save drafts (carrying the sheet)
    changes what was changed on it (A is late) and leaves B's mark as the colleague set it."""
    other = factories.ClientFactory(cohort=clinic.client_a.cohort)
    factories.EnrollmentFactory(client=other)
    browser = login(clinic.clinician_1)
    page = browser.get(chart_url(evening)).content.decode()
    assert f'name="initial-status_{other.pk}"' in page and f'name="initial-status_{clinic.client_a.pk}"' in page
    factories.AttendanceFactory(session=evening, client=other, status=Attendance.Status.EXCUSED)
    drawn = {
        f"initial-status_{clinic.client_a.pk}": "present",
        f"initial-status_{other.pk}": "",
        f"status_{other.pk}": "",
        f"status_{clinic.client_a.pk}": "late",
        f"late_{clinic.client_a.pk}": "10",
    }
    extra = {**note_data(), **entry_data(clinic.client_a)} if action == "save" else {}
    response = browser.post(chart_url(evening), {**drawn, **extra, "action": action})
    assert response.status_code == 302
    marks = {a.client_id: (a.status, a.late_minutes) for a in Attendance.objects.filter(session=evening)}
    assert marks == {clinic.client_a.pk: ("late", 10), other.pk: ("excused", 0)}


def test_marks_chosen_but_not_saved_go_with_save_drafts_and_sign_all(clinic, login, evening):
    from groups.models import Attendance as Mark

    Mark.objects.filter(session=evening).delete()
    data = {
        **note_data(),
        **entry_data(clinic.client_a),
        f"status_{clinic.client_a.pk}": "left_early",
        f"left_{clinic.client_a.pk}": "45",
        "action": "sign",
    }
    browser = login(clinic.clinician_1)
    # Minutes missing: the page comes back with everything typed, nothing saved.
    response = browser.post(chart_url(evening), {**data, f"left_{clinic.client_a.pk}": ""})
    assert response.status_code == 400 and "The attendance marks need attention" in response.content.decode()
    assert "Body scan; leaves on a stream." in response.content.decode()
    assert not Mark.objects.filter(session=evening).exists() and not GroupNote.objects.exists()
    response = browser.post(chart_url(evening), data)
    assert response.status_code == 302
    mark = Mark.objects.get(session=evening)
    assert (mark.status, mark.left_early_minutes) == ("left_early", 45)
    assert GroupNote.objects.get(session=evening).is_signed


def test_marks_carried_with_a_refused_draft_are_saved_and_the_page_says_so(clinic, login, evening):
    data = {
        "action": "save",
        **note_data(themes="avery talked about exams"),
        f"initial-status_{clinic.client_a.pk}": "present",
        f"status_{clinic.client_a.pk}": "late",
        f"late_{clinic.client_a.pk}": "5",
    }
    response = login(clinic.clinician_1).post(chart_url(evening), data)
    page = response.content.decode()
    assert response.status_code == 400 and "avery talked about exams" in page
    assert "Attendance saved for 1 client." in page and "Some parts could not be saved" in page
    assert Attendance.objects.get(session=evening).status == "late" and not GroupNote.objects.exists()


def test_nobody_is_marked_present_for_an_evening_on_a_later_day(clinic, login):
    factories.EnrollmentFactory(client=clinic.client_a)
    later = timezone.localdate() + datetime.timedelta(days=4)
    monday = factories.SessionFactory(cohort=clinic.client_a.cohort, day=later)
    browser = login(clinic.clinician_1)
    page = browser.get(chart_url(monday)).content.decode()
    assert "Mark everyone not recorded present" not in page and "Still to come" in page

    response = browser.post(chart_url(monday), {"action": "all_present"}, follow=True)
    assert "only an absence" in response.content.decode()
    response = browser.post(chart_url(monday), {"action": "attendance", f"status_{clinic.client_a.pk}": "present"})
    assert response.status_code == 400 and "only an absence" in response.content.decode()
    assert not Attendance.objects.filter(session=monday).exists()
    browser.post(chart_url(monday), {"action": "attendance", f"status_{clinic.client_a.pk}": "excused"})
    assert Attendance.objects.get(session=monday).status == "excused"  # an absence known ahead


def test_impossible_minutes_get_a_plain_message_and_are_kept(clinic, login, evening):
    marks = {"action": "attendance", f"status_{clinic.client_a.pk}": "late", f"late_{clinic.client_a.pk}": "500"}
    response = login(clinic.clinician_1).post(chart_url(evening), marks)
    assert response.status_code == 400
    page = response.content.decode()
    assert "minutes: no more than the evening lasts." in page and 'value="500"' in page
    assert "How many minutes late?" not in page  # one message: the number was given
    marks[f"late_{clinic.client_a.pk}"] = "-5"
    page = login(clinic.clinician_1).post(chart_url(evening), marks).content.decode()
    assert "Minutes cannot be below zero." in page and 'value="-5"' in page


def test_attendance_errors_re_render_with_what_was_typed(clinic, login, evening):
    response = login(clinic.clinician_1).post(
        chart_url(evening), {"action": "attendance", f"status_{clinic.client_a.pk}": "late"}
    )
    assert response.status_code == 400
    assert "How many minutes late?" in response.content.decode()


# --- Drafts, the name guard, sign all ---------------------------------------------------------


def test_save_button_saves_drafts_without_javascript(clinic, login, evening):
    response = login(clinic.clinician_1).post(
        chart_url(evening), {"action": "save", **note_data(), **entry_data(clinic.client_a)}
    )
    assert response.status_code == 302
    note = GroupNote.objects.get(session=evening)
    assert note.author == clinic.clinician_1 and not note.is_signed and note.themes == "Exams."
    assert IndividualEntry.objects.get(session=evening, client=clinic.client_a).mood_affect == "Bright, reactive"
    assert AuditEntry.objects.filter(event="write_group_note").count() == 2


def test_untouched_parts_make_no_empty_drafts(clinic, login, evening):
    login(clinic.clinician_1).post(chart_url(evening), {"action": "save", "group-skill": ""})
    assert not IndividualEntry.objects.exists()


def test_group_note_naming_a_client_is_refused_with_a_clear_message_and_keeps_the_text(clinic, login, evening):
    data = {"action": "save", **note_data(themes="avery talked about exams"), **entry_data(clinic.client_a)}
    response = login(clinic.clinician_1).post(chart_url(evening), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Names belong in the individual entries" in page and "avery talked about exams" in page
    assert not GroupNote.objects.exists() and not IndividualEntry.objects.exists()


def test_autosave_saves_one_part_and_returns_204(clinic, login, evening):
    client = login(clinic.clinician_1)
    response = client.post(
        autosave_url(evening), {"part": f"entry-{clinic.client_a.pk}", **entry_data(clinic.client_a, plan="")}
    )
    assert response.status_code == 204
    entry = IndividualEntry.objects.get()
    assert entry.plan == "" and entry.author == clinic.clinician_1
    response = client.post(
        autosave_url(evening), {"part": f"entry-{clinic.client_a.pk}", **entry_data(clinic.client_a)}
    )
    assert response.status_code == 204
    assert IndividualEntry.objects.get().plan == "Practise before school."
    assert not GroupNote.objects.exists()


def test_autosave_refuses_a_name_in_the_group_note_with_the_message_and_saves_the_rest(clinic, login, evening):
    browser = login(clinic.clinician_1)
    response = browser.post(autosave_url(evening), {"part": "group", **note_data(activities="Quill led it")})
    assert response.status_code == 400
    body = response.json()
    assert "individual entries" in body["errors"]["activities"][0]["message"]
    # The fields without a name are not lost with the one refused.
    assert body["rest_saved"] and body["saved_at"] == f"{timezone.localtime():%H:%M}"
    note = GroupNote.objects.get()
    assert note.activities == "" and note.themes == "Exams." and not note.is_signed
    # Typed again with the name taken out, that field is saved too, at the clinic's time.
    response = browser.post(autosave_url(evening), {"part": "group", **note_data(activities="Role-play.")})
    assert response.status_code == 204 and response["X-Saved-At"] == f"{timezone.localtime():%H:%M}"
    note.refresh_from_db()
    assert note.activities == "Role-play."


def test_autosave_with_only_a_refused_field_saves_nothing(clinic, login, evening):
    response = login(clinic.clinician_1).post(
        autosave_url(evening), {"part": "group", "group-activities": "Quill led it"}
    )
    assert response.status_code == 400 and "rest_saved" not in response.json()
    assert not GroupNote.objects.exists()


def test_autosave_of_a_signed_part_is_refused(clinic, login, evening):
    factories.GroupNoteFactory(session=evening)
    client = login(clinic.clinician_1)
    client.post(chart_url(evening), {"action": "sign", **note_data()})
    response = client.post(autosave_url(evening), {"part": "group", **note_data(themes="changed")})
    assert response.status_code == 409
    assert GroupNote.objects.get().themes == "Exams."


def test_sign_all_signs_and_locks_then_addenda_follow(clinic, login, evening):
    client = login(clinic.clinician_1)
    response = client.post(chart_url(evening), {"action": "sign", **note_data(), **entry_data(clinic.client_a)})
    assert response.status_code == 302
    note, entry = GroupNote.objects.get(), IndividualEntry.objects.get()
    assert note.is_signed and entry.is_signed
    assert AuditEntry.objects.filter(event="sign_group_note").count() == 2
    page = client.get(chart_url(evening)).content.decode()
    assert "Signed and locked" in page and 'name="group-themes"' not in page and "Add addendum" in page
    response = client.post(
        reverse("clinicians:group_addendum", args=[evening.pk]),
        {"entry": entry.pk, "text": "Father called after group."},
    )
    assert response.status_code == 302
    assert GroupAddendum.objects.get().entry == entry
    assert AuditEntry.objects.filter(event="group_addendum", client_id=clinic.client_a.pk).exists()
    client.post(reverse("clinicians:group_addendum", args=[evening.pk]), {"text": "Room changed at 18:00."})
    assert GroupAddendum.objects.filter(group_note=note).exists()
    page = client.get(chart_url(evening)).content.decode()
    assert "Father called after group." in page and "Used the skill twice this week." in page


def test_an_addendum_to_the_group_note_naming_a_client_is_refused_and_kept(clinic, login, evening):
    client = login(clinic.clinician_1)
    client.post(chart_url(evening), {"action": "sign", **note_data(), **entry_data(clinic.client_a)})
    typed = f"Correction: {clinic.client_a.first_name} left the room at 19:00."
    response = client.post(reverse("clinicians:group_addendum", args=[evening.pk]), {"text": typed})
    page = response.content.decode()
    assert response.status_code == 400 and "must not name a client" in page
    assert f">{typed}</textarea>" in page and 'aria-describedby="addendum-group-error"' in page
    assert not GroupAddendum.objects.exists()
    # A reload or Back at that address leads to the evening, not to an error page.
    assert client.get(reverse("clinicians:group_addendum", args=[evening.pk])).url == chart_url(evening)
    # The client's own entry takes it.
    entry = IndividualEntry.objects.get()
    client.post(reverse("clinicians:group_addendum", args=[evening.pk]), {"entry": entry.pk, "text": typed})
    assert GroupAddendum.objects.get().entry == entry


def test_sign_all_leaves_incomplete_entries_as_drafts(clinic, login, evening):
    response = login(clinic.clinician_1).post(
        chart_url(evening),
        {"action": "sign", **note_data(), **entry_data(clinic.client_a, mood_affect="")},
        follow=True,
    )
    assert "1 draft is not complete yet and stays unsigned." in response.content.decode()
    assert f"{clinic.client_a.display_name} (mood / affect)" in response.content.decode()
    assert GroupNote.objects.get().is_signed and not IndividualEntry.objects.get().is_signed


def test_group_note_waits_for_every_client_on_the_roster_to_have_attendance(clinic, login, evening):
    # Signing the group note locks attendance; a client left unrecorded would stay so.
    unmarked = factories.ClientFactory(cohort=clinic.client_a.cohort, lead_clinician=clinic.clinician_1)
    factories.EnrollmentFactory(client=unmarked, cohort=unmarked.cohort)
    client = login(clinic.clinician_1)
    data = {"action": "sign", **note_data(), **entry_data(clinic.client_a)}
    page = client.post(chart_url(evening), data, follow=True).content.decode()
    assert f"group note (attendance of {unmarked.display_name})" in page
    note, entry = GroupNote.objects.get(), IndividualEntry.objects.get()
    assert not note.is_signed and entry.is_signed
    evening.refresh_from_db()
    assert not evening.is_charted
    marks = {f"status_{clinic.client_a.pk}": "present", f"status_{unmarked.pk}": "absent"}
    client.post(chart_url(evening), {"action": "attendance", **marks})
    assert Attendance.objects.get(session=evening, client=unmarked).status == "absent"
    client.post(chart_url(evening), {"action": "sign", **note_data()})
    assert GroupNote.objects.get().is_signed


def test_sign_all_names_attendees_who_have_no_individual_entry_yet(clinic, login, evening):
    came = factories.ClientFactory(cohort=clinic.client_a.cohort, lead_clinician=clinic.clinician_1)
    factories.EnrollmentFactory(client=came, cohort=came.cohort)
    factories.AttendanceFactory(session=evening, client=came, status="late", late_minutes=15)
    data = {"action": "sign", **note_data(), **entry_data(clinic.client_a)}
    page = login(clinic.clinician_1).post(chart_url(evening), data, follow=True).content.decode()
    assert f"No individual entry yet for: {came.display_name}." in page
    assert clinic.client_a.display_name not in page.split("No individual entry yet for:")[1].split("</")[0]
    assert GroupNote.objects.get().is_signed


def test_only_the_author_may_add_an_addendum(clinic, login, evening):
    factories.GroupNoteFactory(session=evening)
    login(clinic.clinician_1).post(chart_url(evening), {"action": "sign", **note_data()})
    colleague = factories.ClinicianFactory()
    clinic.client_a.cohort.co_facilitators.add(colleague)
    response = login(colleague).post(reverse("clinicians:group_addendum", args=[evening.pk]), {"text": "Mine?"})
    assert response.status_code == 403
    assert not GroupAddendum.objects.exists()


# --- The client's chart and the home page --------------------------------------------------------


def test_client_chart_shows_a_group_entry_and_a_check_in_of_the_same_evening(clinic, login):
    session = factories.charted_evening(clinic.client_a)
    entry = session.entries.get(client=clinic.client_a)
    factories.NoteFactory(client=clinic.client_a, occurred_at=session.starts_at - datetime.timedelta(minutes=20))
    http = login(clinic.clinician_1)
    page = http.get(reverse("clinicians:chart", args=[clinic.client_a.pk])).content.decode()
    assert "Group evening" in page and "Individual check-in" in page
    # What was written is read when the row is opened: not on the chart, and not recorded as read.
    opened = reverse("clinicians:chart_entry", args=[clinic.client_a.pk, entry.pk])
    assert f'hx-get="{opened}"' in page and f'href="{opened}"' in page
    assert factories.IndividualEntryFactory.progress not in page and factories.GroupNoteFactory.themes not in page
    assert not AuditEntry.objects.filter(event="view_group_note").exists()
    details = http.get(opened, HTTP_HX_REQUEST="true").content.decode()
    assert factories.IndividualEntryFactory.progress in details and factories.GroupNoteFactory.themes in details
    assert "<html" not in details  # the row's content, not a page
    # Followed as a link (no scripts), it is a page of its own, back to the chart.
    own_page = http.get(opened).content.decode()
    assert factories.IndividualEntryFactory.progress in own_page and "<html" in own_page
    assert f'href="{reverse("clinicians:chart", args=[clinic.client_a.pk])}"' in own_page


def test_an_opened_row_records_its_group_note_and_entry_in_one_turn_of_the_chain(clinic, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = factories.charted_evening(clinic.client_a)
    entry = session.entries.get(client=clinic.client_a)
    http = login(clinic.clinician_1)
    with CaptureQueriesContext(connection) as captured:
        http.get(reverse("clinicians:chart", args=[clinic.client_a.pk]))
    assert sum('INSERT INTO "iop_auditentry"' in q["sql"] for q in captured.captured_queries) == 1
    reads = AuditEntry.objects.filter(actor=clinic.clinician_1, event__startswith="view_")
    assert list(reads.values_list("event", flat=True)) == ["view_chart"]
    opened = reverse("clinicians:chart_entry", args=[clinic.client_a.pk, entry.pk])
    with CaptureQueriesContext(connection) as captured:
        http.get(opened, HTTP_HX_REQUEST="true")
    assert sum('INSERT INTO "iop_auditentry"' in q["sql"] for q in captured.captured_queries) == 1
    viewed = AuditEntry.objects.filter(actor=clinic.clinician_1, event="view_group_note").order_by("pk")
    assert [(e.object_pk, e.client_id) for e in viewed] == [
        (str(session.group_note.pk), None),
        (str(entry.pk), clinic.client_a.pk),
    ]
    assert all(e.additional_data == {"session": session.pk} for e in viewed)


def test_group_evening_links_to_its_chart_page_only_for_the_evenings_team(clinic, login):
    session = factories.charted_evening(clinic.client_a)
    evening_url = reverse("clinicians:group_chart", args=[session.pk])
    chart = reverse("clinicians:chart", args=[clinic.client_a.pk])
    page = login(clinic.clinician_1).get(chart).content.decode()
    link = f"{evening_url}?client={clinic.client_a.pk}#entry-{clinic.client_a.pk}"
    assert f'href="{link}"' in page
    # The evening leads back to the chart it was opened from, and to Tonight.
    evening = login(clinic.clinician_1).get(link.split("#")[0]).content.decode()
    assert f'href="{chart}">&larr; Chart: {clinic.client_a.display_name}</a>' in evening
    other = factories.ClientFactory(cohort=clinic.client_b.cohort)
    evening = login(clinic.clinician_1).get(f"{evening_url}?client={other.pk}").content.decode()
    assert "Chart:" not in evening and other.display_name not in evening
    # A clinician who reaches the client through emergency access reads the entry, not the evening.
    factories.emergency_grant(clinic.client_a, clinic.clinician_2)
    covering = login(clinic.clinician_2)
    page = covering.get(chart).content.decode()
    assert "Group evening" in page and evening_url not in page
    opened = reverse("clinicians:chart_entry", args=[clinic.client_a.pk, session.entries.get().pk])
    assert factories.IndividualEntryFactory.progress in covering.get(opened, HTTP_HX_REQUEST="true").content.decode()


def test_chart_queries_do_not_grow_with_group_evenings(clinic, login, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("clinicians:chart", args=[clinic.client_a.pk])
    http = login(clinic.clinician_1)
    factories.EnrollmentFactory(client=clinic.client_a)

    def evening(days_ago):
        session = factories.SessionFactory(
            cohort=clinic.client_a.cohort, day=timezone.localdate() - datetime.timedelta(days_ago)
        )
        factories.GroupNoteFactory(session=session)
        factories.IndividualEntryFactory(session=session, client=clinic.client_a)

    evening(1)
    http.get(url)  # warm the caches (content types, the program)
    with CaptureQueriesContext(connection) as one:
        http.get(url)
    for days_ago in range(2, 12):
        evening(days_ago)
    with django_assert_num_queries(len(one)):
        http.get(url)


def test_clinician_home_flags_a_group_note_unsigned_for_a_day(clinic, login):
    session = factories.SessionFactory(
        cohort=clinic.client_a.cohort, day=timezone.localdate() - datetime.timedelta(days=2)
    )
    factories.GroupNoteFactory(session=session, created_at=timezone.now() - datetime.timedelta(hours=30))
    page = login(clinic.clinician_1).get(reverse("clinician_home")).content.decode()
    assert "1 note has been unsigned for more than 24 hours." in page and chart_url(session) in page


# --- Speed ----------------------------------------------------------------------------------------


def test_tonight_page_runs_a_fixed_number_of_queries(clinic, login, django_assert_max_num_queries):
    for _ in range(3):  # three cohorts meeting tonight, each with a charted evening
        cohort = factories.CohortFactory(lead_clinician=clinic.clinician_1)
        factories.charted_evening(factories.ClientFactory(cohort=cohort))
    http = login(clinic.clinician_1)
    with django_assert_max_num_queries(20):
        response = http.get(reverse("clinicians:tonight"))
    assert response.content.decode().count("/chart/") == 3


def test_chart_page_for_ten_clients_runs_a_fixed_number_of_queries(clinic, login, django_assert_max_num_queries):
    cohort = clinic.client_a.cohort
    clients = [clinic.client_a] + [factories.ClientFactory(cohort=cohort) for _ in range(9)]
    session = factories.SessionFactory(cohort=cohort)
    factories.GroupNoteFactory(session=session)
    for client in clients:
        factories.EnrollmentFactory(client=client)
        factories.signed_plan(client)
        factories.AttendanceFactory(session=session, client=client)
        factories.IndividualEntryFactory(session=session, client=client)
    http = login(clinic.clinician_1)
    # About 25 fixed queries; every shown record (the group note and each client's
    # entry) gets its own chained audit entry, all appended in one turn of the chain.
    with django_assert_max_num_queries(30) as captured:
        response = http.get(chart_url(session))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(event="view_group_note").count() == 11
    assert sum('INSERT INTO "iop_auditentry"' in q["sql"] for q in captured.captured_queries) == 1
    assert response.content.decode().count('name="entry-') >= 60


def test_a_signed_entry_shows_the_risk_observed_without_the_form_s_prompt(clinic, login, evening):
    details = "Passive thoughts of death; safety plan reviewed with her."
    data = {"action": "sign", **note_data(), **entry_data(clinic.client_a, risk="observed", risk_details=details)}
    client = login(clinic.clinician_1)
    client.post(chart_url(evening), data)
    assert IndividualEntry.objects.get().is_signed
    entry = IndividualEntry.objects.get()
    opened = reverse("clinicians:chart_entry", args=[clinic.client_a.pk, entry.pk])  # the chart's row, opened
    for url in (chart_url(evening), opened):
        page = client.get(url).content.decode()
        assert details in page, url
        assert "(describe it)" not in page, url


def test_the_evening_says_what_signing_needs_before_sign_all_is_pressed(clinic, login, evening):
    page = login(clinic.clinician_1).get(chart_url(evening)).content.decode()
    assert "To be signed, an entry needs every field filled in" in page
    assert "the group note its skill, activities and themes" in page


def test_a_charted_evening_lists_everyone_s_attendance_absent_clients_included(clinic, login):
    session = factories.charted_evening(clinic.client_a)
    absent = factories.ClientFactory(cohort=clinic.client_a.cohort)
    factories.EnrollmentFactory(client=absent)
    factories.AttendanceFactory(session=session, client=absent, status="absent")
    unmarked = factories.ClientFactory(cohort=clinic.client_a.cohort)
    factories.EnrollmentFactory(client=unmarked)
    session.mark_charted()
    page = login(clinic.clinician_1).get(reverse("clinicians:group_chart", args=[session.pk])).content.decode()
    attendance = page[page.index('id="attendance-heading"') :]
    attendance = attendance[: attendance.index("</section>")]
    assert "The group note is signed, so this evening is charted" in attendance
    assert f"{clinic.client_a.display_name}: Present" in attendance
    assert f"{absent.display_name}: Absent" in attendance
    assert f"{unmarked.display_name}: Not recorded" in attendance


def test_sign_all_says_which_notes_it_signed(clinic, login, evening):
    data = {"action": "sign", **note_data(), **entry_data(clinic.client_a)}
    page = login(clinic.clinician_1).post(chart_url(evening), data, follow=True).content.decode()
    assert f"Signed 2 notes (the group note, {clinic.client_a.display_name})." in page


def test_each_attendance_field_carries_its_drawn_value_once(clinic, login, evening):
    page = login(clinic.clinician_1).get(chart_url(evening)).content.decode()
    for name in ("status", "late", "left"):
        assert page.count(f'name="initial-{name}_{clinic.client_a.pk}"') == 1
    assert page.count(f'id="initial-id_status_{clinic.client_a.pk}"') == 1


def test_a_row_opened_after_the_session_ended_takes_the_page_to_sign_in_and_back(clinic, client):
    """Not the login form drawn inside the row: the whole page goes to sign in, and
    comes back to the chart it was on."""
    session = factories.charted_evening(clinic.client_a)
    chart = reverse("clinicians:chart", args=[clinic.client_a.pk])
    opened = reverse("clinicians:chart_entry", args=[clinic.client_a.pk, session.entries.get().pk])
    response = client.get(opened, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{chart}")
    assert response["HX-Redirect"] == f"{reverse('account_login')}?next={chart}"
    assert factories.IndividualEntryFactory.progress not in response.content.decode()
    # Followed as a link, it is the usual sign-in redirect back to the link.
    assert client.get(opened).status_code == 302


def test_another_clients_entry_is_not_found_under_this_clients_chart(clinic, login):
    """Even for a superuser, who may read both charts: a row opens only its own client's entry."""
    evening_b = factories.charted_evening(clinic.client_b)
    entry_b = evening_b.entries.get()
    for user, own in ((clinic.superuser, clinic.client_b), (clinic.clinician_1, None)):
        http = login(user)
        response = http.get(reverse("clinicians:chart_entry", args=[clinic.client_a.pk, entry_b.pk]))
        assert response.status_code == 404
        if own:
            assert http.get(reverse("clinicians:chart_entry", args=[own.pk, entry_b.pk])).status_code == 200
    assert not AuditEntry.objects.filter(event="view_group_note", client_id=clinic.client_b.pk).exclude(
        actor=clinic.superuser
    )


def test_risk_observed_is_marked_on_the_row_before_it_is_opened(clinic, login):
    session = factories.charted_evening(clinic.client_a)
    session.entries.update(risk="observed", risk_details="Said she wanted to disappear.")
    page = login(clinic.clinician_1).get(reverse("clinicians:chart", args=[clinic.client_a.pk])).content.decode()
    assert '<span class="badge text-bg-danger">Risk observed</span>' in page
    assert "Said she wanted to disappear." not in page  # the words: when the row is opened


def test_sign_in_comes_back_only_to_a_page_of_this_site(clinic, client):
    session = factories.charted_evening(clinic.client_a)
    opened = reverse("clinicians:chart_entry", args=[clinic.client_a.pk, session.entries.get().pk])
    for claimed in ("http://testserver//evil.example/x", "https://evil.example/clients/1/chart/"):
        response = client.get(opened, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=claimed)
        assert response["HX-Redirect"] == f"{reverse('account_login')}?next={opened}", claimed
