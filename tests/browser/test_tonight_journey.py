"""The demo clinician charts tonight's Teens group: attendance, the group note,
two individual entries, sign all, and everything locked."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from groups.models import Cohort, Session

pytestmark = [pytest.mark.browser]


def teens_evening_today():
    """Today's Teens evening; on a day the group does not meet, an extra one so the journey runs any day."""
    teens = Cohort.objects.get(slug="teens")
    today = timezone.localdate()
    session = Session.objects.scheduled().filter(cohort=teens).between_days(today, today).first()
    if session is None:
        starts = timezone.make_aware(datetime.datetime.combine(today, teens.start_time))
        session = Session.objects.create(
            cohort=teens,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=teens.duration_minutes),
            room=teens.room,
            kind=Session.Kind.MAKE_UP,
        )
    return session


def assert_accessible(page):
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [n["html"] for n in v["nodes"]]) for v in violations]


def fill_entry(page, name, mood, progress, plan):
    entry = page.get_by_role("region", name=name)
    entry.get_by_label("Participation").select_option("active")
    entry.get_by_label("Mood / affect").fill(mood)
    entry.get_by_label("Progress toward their plan").fill(progress)
    entry.get_by_label("Risk observed").select_option("none")
    entry.get_by_label("Plan", exact=True).fill(plan)
    return entry


def test_clinician_charts_tonights_teens_group_and_signs_all(demo_clinic, live_server, page, sign_in, screenshot):
    evening = teens_evening_today()
    sign_in(page, "clinician@demo.clinic")
    page.get_by_role("link", name="Tonight's group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tonight's group")
    page.get_by_role("link", name="Teens 14-17").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Teens 14-17")
    assert page.url.endswith(f"/sessions/{evening.pk}/chart/")
    # The heading can be there before the page's deferred scripts run (on a busy machine).
    page.wait_for_load_state()

    # Attendance, keyboard-first: choosing "Late" moves to the minutes.
    page.get_by_role("row", name="Amara Johnson").get_by_label("Attendance").select_option("late")
    expect(page.get_by_role("row", name="Amara Johnson").get_by_label("Minutes late")).to_be_focused()
    page.keyboard.type("10")
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_role("button", name="Mark everyone not recorded present").click()
    expect(page.get_by_role("region", name="Maya Alvarez")).to_be_visible()

    # The group note: a client's name is refused as it is typed.
    note = page.get_by_role("region", name="Group note")
    expect(note.get_by_label("Skill of the week")).not_to_have_value("")
    note.get_by_label("Activities").fill("Paced breathing and a role-play of asking a teacher for an extension.")
    note.get_by_label("Themes").fill("Maya worried about exams.")
    note.get_by_label("Skill of the week").focus()
    expect(note.get_by_text("Names belong in the individual entries")).to_be_visible()
    expect(note.locator("[data-autosave-status]")).to_have_class(re.compile("text-danger"))
    expect(note.get_by_label("Themes")).to_have_attribute("aria-invalid", "true")
    note.get_by_label("Themes").fill("Worry about exams; asking adults for help.")
    note.get_by_label("Skill of the week").focus()
    expect(note.get_by_text("Draft saved")).to_be_visible()
    expect(note.get_by_label("Themes")).not_to_have_attribute("aria-invalid", "true")

    fill_entry(
        page,
        "Maya Alvarez",
        "Anxious at first, brighter by the end",
        "Asked her teacher for help once.",
        "Practise before first period.",
    )
    fill_entry(
        page, "Lex Kowalski", "Calm, engaged", "Used ice once instead of self-harm.", "Review the diary card Monday."
    )
    screenshot(page, "tonight-charting")
    assert_accessible(page)
    # A last word typed, then straight to Sign all: leaving the field for the button
    # starts no draft save (its "Saving…" line could move the button from under the
    # pointer, and the click be lost); the signing submit saves the words itself.
    autosaves = []
    page.on("request", lambda request: autosaves.append(request.url) if "/autosave/" in request.url else None)
    page.get_by_role("region", name="Lex Kowalski").get_by_label("Plan", exact=True).press_sequentially(" Call home.")
    page.get_by_role("button", name="Sign all").focus()
    page.wait_for_timeout(300)
    assert autosaves == []
    page.get_by_role("button", name="Sign all").click(position={"x": 12, "y": 3})

    expect(page.get_by_text("Signed 3 notes (the group note,")).to_be_visible()
    for region in ("Group note", "Maya Alvarez", "Lex Kowalski"):
        expect(page.get_by_role("region", name=region).get_by_text("Signed and locked")).to_be_visible()
        expect(page.get_by_role("region", name=region).get_by_role("button", name="Add addendum")).to_be_visible()
    expect(page.get_by_label("Themes")).to_have_count(0)
    expect(page.get_by_text("Worry about exams; asking adults for help.")).to_be_visible()
    expect(page.get_by_text("Review the diary card Monday. Call home.")).to_be_visible()
    screenshot(page, "tonight-signed")
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "tonight-signed-phone")


def test_a_note_typed_just_before_an_attendance_error_is_on_the_page_that_comes_back(
    demo_clinic, live_server, page, sign_in
):
    evening = teens_evening_today()
    sign_in(page, "clinician@demo.clinic")
    page.goto(f"{live_server.url}/sessions/{evening.pk}/chart/")
    page.wait_for_load_state()
    note = page.get_by_role("region", name="Group note")
    typed = "Paced breathing, then a role-play of asking for an extension."
    note.get_by_label("Activities").fill(typed)  # and straight to the attendance, before the autosave's delay
    row = page.get_by_role("row", name="Amara Johnson")
    row.get_by_label("Attendance").select_option("late")
    page.get_by_role("button", name="Save attendance").click()  # no minutes: refused

    expect(page.get_by_text("How many minutes late?")).to_be_visible()
    expect(page.get_by_role("region", name="Group note").get_by_label("Activities")).to_have_value(typed)


def test_a_refused_save_takes_the_keyboard_to_the_field_that_needs_attention(demo_clinic, live_server, page, sign_in):
    """Without autosave's help (Save drafts straight after typing), the page comes back
    with the message beside the field, and the focus there, not at the top."""
    evening = teens_evening_today()
    sign_in(page, "clinician@demo.clinic")
    page.goto(f"{live_server.url}/sessions/{evening.pk}/chart/")
    page.wait_for_load_state()
    note = page.get_by_role("region", name="Group note")
    note.get_by_label("Themes").fill("Maya worried about exams.")
    page.get_by_role("button", name="Save drafts").click()
    expect(page.get_by_text("Some parts could not be saved")).to_be_visible()
    expect(page.get_by_role("region", name="Group note").get_by_label("Themes")).to_be_focused()
    expect(page.get_by_role("region", name="Group note").get_by_label("Themes")).to_have_value(
        "Maya worried about exams."
    )


def test_marks_chosen_and_not_saved_on_their_own_go_with_save_drafts(demo_clinic, live_server, page, sign_in):
    evening = teens_evening_today()
    evening.attendance.all().delete()
    sign_in(page, "clinician@demo.clinic")
    page.goto(f"{live_server.url}/sessions/{evening.pk}/chart/")
    page.wait_for_load_state()
    page.get_by_role("row", name="Amara Johnson").get_by_label("Attendance").select_option("excused")
    page.get_by_role("button", name="Save drafts").click()
    expect(page.get_by_text("Drafts saved.")).to_be_visible()
    expect(page.get_by_role("row", name="Amara Johnson").get_by_label("Attendance")).to_have_value("excused")
