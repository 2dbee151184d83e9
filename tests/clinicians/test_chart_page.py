"""The chart: its header and tabs, its audit entries, and pinned query counts."""

import pytest
from django.urls import reverse

from clinicians.models import PlanAcknowledgement
from iop.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def tab_url(client, slug):
    from clinicians.chart import SECTIONS

    if slug == SECTIONS[0].slug:
        return reverse("clinicians:chart", args=[client.pk])
    return reverse("clinicians:chart_section", args=[client.pk, slug])


def test_chart_opens_on_the_notes_with_a_tab_for_each_section(clinic, chart, login):
    from clinicians.chart import SECTIONS

    http = login(clinic.clinician_1)
    client = clinic.client_a
    page = http.get(reverse("clinicians:chart", args=[client.pk])).content.decode()
    assert client.first_name in page and str(client.cohort) in page
    assert f"Week {client.week_of_stay()} of stay" in page
    assert 'id="chart-alerts"' in page
    assert 'id="notes"' in page and 'id="plan"' not in page
    opened = reverse("clinicians:chart", args=[client.pk])
    assert f'<a class="nav-link active" aria-current="page" href="{opened}">Notes</a>' in page
    for section in SECTIONS[1:]:
        assert f'href="{tab_url(client, section.slug)}">{section.label}</a>' in page
    # Each tab: the same header, its own section and no other.
    for section in SECTIONS:
        page = http.get(tab_url(client, section.slug)).content.decode()
        assert client.first_name in page and 'id="chart-alerts"' in page
        shown = {other.slug for other in SECTIONS if f'<section id="{other.slug}"' in page}
        assert shown == {section.slug}
        tabs = page.split('aria-label="Chart sections"', 1)[1].split("</nav>", 1)[0]
        assert 'aria-current="page"' in tabs.split(f">{section.label}</a>")[0].rsplit("<a ", 1)[1]


def test_each_tab_shows_its_records(clinic, chart, login):
    http = login(clinic.clinician_1)
    client = clinic.client_a
    assert chart.signed_plan.goal in http.get(tab_url(client, "plan")).content.decode()
    family = http.get(tab_url(client, "family")).content.decode()
    assert clinic.family_a.get_full_name() in family and "holds legal authority" in family
    assert chart.medication.name in http.get(tab_url(client, "medications")).content.decode()
    assert chart.medication.name not in http.get(reverse("clinicians:chart", args=[client.pk])).content.decode()
    assert reverse("clinicians:note_new", args=[client.pk, "family_session"]) in family


def test_the_first_tab_has_one_address(clinic, login):
    response = login(clinic.clinician_1).get(reverse("clinicians:chart_section", args=[clinic.client_a.pk, "notes"]))
    assert response.status_code == 302 and response.url == reverse("clinicians:chart", args=[clinic.client_a.pk])


def test_chart_view_is_audited_for_the_client_with_the_tab_shown(clinic, login):
    http = login(clinic.clinician_1)
    http.get(reverse("clinicians:chart", args=[clinic.client_a.pk]))
    http.get(tab_url(clinic.client_a, "medications"))
    entries = AuditEntry.objects.filter(event="view_chart").order_by("pk")
    assert [(e.client_id, e.actor, e.additional_data) for e in entries] == [
        (clinic.client_a.pk, clinic.clinician_1, {"section": "notes"}),
        (clinic.client_a.pk, clinic.clinician_1, {"section": "medications"}),
    ]


#: The queries each tab of the chart makes, whatever the record holds. Every tab: the
#: session and the user, the client, the header's alerts (and the discharge, for a
#: client no longer in the program), the audit chain's turn (4), the program's
#: settings, whether any alert is open (for the menu) and the session's save (3); then
#: the tab's own records, one query for most.
TAB_QUERIES = {"notes": 17, "plan": 20, "family": 16}


def test_each_tab_makes_a_fixed_number_of_queries_whatever_the_record_holds(
    clinic, chart, login, django_assert_max_num_queries
):
    from clinicians.chart import SECTIONS

    client = clinic.client_a
    for _ in range(15):
        note = factories.NoteFactory(client=client)
        note.sign(clinic.clinician_1)
        note.add_addendum(clinic.clinician_1, "Later.")
        factories.NoteFactory(client=client, kind="family_session", participants="Client, mother")
        factories.MedicationFactory(client=client)
        factories.FamilyLinkFactory(client=client)
    http = login(clinic.clinician_1)
    for section in SECTIONS:
        url = tab_url(client, section.slug)
        http.get(url)
        with django_assert_max_num_queries(TAB_QUERIES.get(section.slug, 15)):
            response = http.get(url)
        assert response.status_code == 200


def test_chart_header_shows_the_open_safety_alert_and_measures_show_the_last_score(clinic, login):
    from clinicians.models import SafetyAlert

    factories.AdministrationFactory(client=clinic.client_a, answers={f"phq9_{n}": 1 for n in range(1, 10)})
    alert = SafetyAlert.objects.get(client=clinic.client_a)
    page = login(clinic.clinician_1).get(tab_url(clinic.client_a, "measures")).content.decode()
    assert "Open safety alert" in page and reverse("clinicians:alert", args=[alert.pk]) in page
    assert "9 · Mild" in page


def test_chart_shows_hours_per_week_against_the_six_hour_minimum(clinic, login):
    import datetime

    from django.utils import timezone

    from groups.recurrence import week_start

    client = clinic.client_a
    this_monday = week_start(timezone.localdate())
    two_weeks_ago, last_week = this_monday - datetime.timedelta(weeks=2), this_monday - datetime.timedelta(weeks=1)
    client.admitted_on = two_weeks_ago
    client.save(update_fields=["admitted_on"])
    factories.EnrollmentFactory(client=client, started_on=two_weeks_ago)
    for monday, status in ((two_weeks_ago, "present"), (last_week, "absent")):
        for day in range(4):
            session = factories.SessionFactory(cohort=client.cohort, day=monday + datetime.timedelta(days=day))
            factories.AttendanceFactory(session=session, client=client, status=status)

    page = login(clinic.clinician_1).get(tab_url(client, "attendance")).content.decode()
    section = page.split('id="attendance"', 1)[1].split("</section>", 1)[0]
    rows = section.split("<tbody>", 1)[1].split("<tr")[1:]
    assert len(rows) == 3  # this week, last week, the week before: newest first
    assert "Week in progress" in rows[0]
    assert 'class="table-warning"' in rows[1] and "Under the minimum" in rows[1] and ">0.0<" in rows[1]
    assert ">12.0<" in rows[2] and "Met" in rows[2]


def test_chart_shows_the_current_plan_in_full_and_not_earlier_versions(clinic, login):
    earlier = factories.signed_plan(clinic.client_a)
    current = factories.signed_plan(clinic.client_a, version=2)
    for plan, who in ((earlier, clinic.family_b), (current, clinic.family_a)):
        PlanAcknowledgement.objects.create(plan=plan, party="family", family_member=who, recorded_by=clinic.clinician_1)
    draft = factories.TreatmentPlanFactory(client=clinic.client_a, version=3)
    page = login(clinic.clinician_1).get(tab_url(clinic.client_a, "plan")).content.decode()
    assert current.objectives.get().text in page
    assert str(current.interventions.get().responsible) in page
    assert clinic.family_a.get_full_name() in page.split('id="plan"')[1].split("</section>")[0]
    assert earlier.objectives.get().text not in page
    assert clinic.family_b.get_full_name() not in page.split('id="plan"')[1].split("</section>")[0]
    assert reverse("clinicians:plan_edit", args=[draft.pk]) in page
    plan_section = page.split('id="plan"')[1].split("</section>")[0]
    assert "still to acknowledge: client" in plan_section  # the family has; the client not yet
    PlanAcknowledgement.objects.create(plan=current, party="client", recorded_by=clinic.clinician_1)
    page = login(clinic.clinician_1).get(tab_url(clinic.client_a, "plan")).content.decode()
    assert "still to acknowledge" not in page


# --- The timeline: the newest records on the chart, all of them on the notes page -----------------


def dated_notes(client, count, kind="individual_checkin", first_day=1, oldest_first=False):
    """``count`` signed notes of ``client``, one a day going back from ``first_day``
    days ago, each naming its day (``Note day N``), newest first (``oldest_first``:
    written in the other order). Drafts are always on the chart, so these are signed."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    notes = []
    days = range(first_day, first_day + count)
    for day in reversed(days) if oldest_first else days:
        note = factories.NoteFactory(
            client=client,
            kind=kind,
            participants="Client, mother" if kind != "individual_checkin" else "",
            occurred_at=now - timedelta(days=day),
            content=f"Note day {day}.",
        )
        note.sign(note.author)
        notes.append(note)
    return notes[::-1] if oldest_first else notes


def note_links(page, notes):
    return [note for note in notes if reverse("clinicians:note", args=[note.pk]) in page]


def test_chart_shows_the_newest_records_and_links_to_all_of_them(clinic, login):
    from clinicians.chart import RECENT_RECORDS

    notes = dated_notes(clinic.client_a, RECENT_RECORDS + 5)
    http = login(clinic.clinician_1)
    page = http.get(reverse("clinicians:chart", args=[clinic.client_a.pk])).content.decode()
    assert note_links(page, notes) == notes[:RECENT_RECORDS]
    all_notes = reverse("clinicians:client_notes", args=[clinic.client_a.pk])
    assert f'href="{all_notes}"' in page and "All notes and group entries" in page

    response = http.get(all_notes)
    listing = response.content.decode()
    assert response.status_code == 200
    assert note_links(listing, notes) == notes
    assert f"{len(notes)} notes and group entries, newest first." in listing
    entry = AuditEntry.objects.get(event="view_notes")
    assert entry.client_id == clinic.client_a.pk and entry.actor == clinic.clinician_1


def test_chart_without_older_records_offers_no_notes_page_link(clinic, login):
    from clinicians.chart import RECENT_RECORDS

    dated_notes(clinic.client_a, RECENT_RECORDS)
    page = login(clinic.clinician_1).get(reverse("clinicians:chart", args=[clinic.client_a.pk])).content.decode()
    assert f'href="{reverse("clinicians:client_notes", args=[clinic.client_a.pk])}"' not in page
    assert "All notes and group entries" not in page


def test_chart_timeline_mixes_group_entries_and_notes_by_time(clinic, login):
    import datetime

    from django.utils import timezone

    from clinicians.chart import RECENT_RECORDS

    client = clinic.client_a
    factories.EnrollmentFactory(client=client)
    evenings = [
        factories.SessionFactory(cohort=client.cohort, day=timezone.localdate() - datetime.timedelta(days=2 * n + 1))
        for n in range(RECENT_RECORDS)
    ]
    for session in evenings:
        factories.GroupNoteFactory(session=session)
        entry = factories.IndividualEntryFactory(session=session, client=client)
        entry.sign(entry.author)
    notes = dated_notes(client, RECENT_RECORDS, first_day=0)  # one a day: today and the 14 days before
    http = login(clinic.clinician_1)
    page = http.get(reverse("clinicians:chart", args=[client.pk])).content.decode()
    # Fifteen records of the last eight days or so: the notes of days 0-7 and the evenings of days 1-7.
    shown_notes = note_links(page, notes)
    shown_evenings = [s for s in evenings if reverse("clinicians:group_chart", args=[s.pk]) in page]
    assert len(shown_notes) + len(shown_evenings) == RECENT_RECORDS
    assert shown_notes == notes[: len(shown_notes)] and shown_evenings == evenings[: len(shown_evenings)]
    assert shown_evenings and shown_notes
    oldest_shown = min([n.occurred_at for n in shown_notes] + [s.starts_at for s in shown_evenings])
    hidden = [n.occurred_at for n in notes[len(shown_notes) :]] + [s.starts_at for s in evenings[len(shown_evenings) :]]
    assert all(when < oldest_shown for when in hidden)
    # Each shown evening's row opens the client's entry; nothing of them is read until one is.
    entries = {entry.session_id: entry for entry in client.group_entries.all()}
    for session in shown_evenings:
        assert reverse("clinicians:chart_entry", args=[client.pk, entries[session.pk].pk]) in page
    assert not AuditEntry.objects.filter(event="view_group_note").exists()


def test_chart_family_section_shows_the_newest_family_notes(clinic, login):
    from clinicians.chart import RECENT_FAMILY_NOTES

    # Written oldest first, as they happen: the newest have the highest ids.
    family = dated_notes(
        clinic.client_a, RECENT_FAMILY_NOTES + 2, kind="family_session", first_day=30, oldest_first=True
    )
    page = login(clinic.clinician_1).get(tab_url(clinic.client_a, "family")).content.decode()
    section = page[page.index('id="family-heading"') :]
    section = section[: section.index("</section>")]
    assert note_links(section, family) == family[:RECENT_FAMILY_NOTES]
    assert "All notes, earlier family sessions included" in section


def test_notes_page_query_count_does_not_grow_with_the_record(clinic, login, django_assert_num_queries):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from clinicians.models import GroupAddendum

    client = clinic.client_a
    factories.EnrollmentFactory(client=client)

    def evenings(days):
        for day in days:
            session = factories.SessionFactory(cohort=client.cohort, day=timezone.localdate() - datetime.timedelta(day))
            factories.GroupNoteFactory(session=session)
            entry = factories.IndividualEntryFactory(
                session=session, client=client, risk="observed", risk_details="Said so."
            )
            if day % 2:
                entry.sign(entry.author)
                GroupAddendum.objects.create(entry=entry, author=entry.author, text="Later.")

    notes = dated_notes(client, 3)
    evenings([1, 2])
    http = login(clinic.clinician_1)
    url = reverse("clinicians:client_notes", args=[client.pk])
    http.get(url)
    with CaptureQueriesContext(connection) as few:
        http.get(url)
    notes += dated_notes(client, 30, first_day=10)
    evenings(range(3, 23))
    with django_assert_num_queries(len(few)):
        response = http.get(url)
    page = response.content.decode()
    # 55 records (notes of days 1-3 and 10-39, evenings of days 1-22), 50 a page:
    # the five oldest, the notes of days 35-39, are on page 2.
    assert "55 notes and group entries, newest first." in page and "Page 1 of 2" in page
    assert note_links(page, notes) == notes[:-5]
    assert page.count("Group evening") == 22 and "Said so." not in page  # read when a row is opened
    older = http.get(url, {"page": 2}).content.decode()
    assert note_links(older, notes) == notes[-5:] and "Group evening" not in older
    assert AuditEntry.objects.filter(event="view_notes", additional_data={"page": 2}).count() == 1


def test_a_draft_stays_on_the_chart_however_old_it_is(clinic, login):
    """A late entry dated weeks back and left unsigned is shown next to the newest records."""
    import datetime

    from django.utils import timezone

    from clinicians.chart import RECENT_RECORDS

    client = clinic.client_a
    signed = dated_notes(client, RECENT_RECORDS + 3)
    late = factories.NoteFactory(client=client, occurred_at=timezone.now() - datetime.timedelta(days=40))
    factories.EnrollmentFactory(client=client)
    old_evening = factories.SessionFactory(cohort=client.cohort, day=timezone.localdate() - datetime.timedelta(days=45))
    factories.GroupNoteFactory(session=old_evening)
    draft_entry = factories.IndividualEntryFactory(session=old_evening, client=client)
    page = login(clinic.clinician_1).get(reverse("clinicians:chart", args=[client.pk])).content.decode()
    notes_section = page[page.index('id="notes-heading"') :]
    notes_section = notes_section[: notes_section.index("</section>")]
    assert note_links(notes_section, [*signed, late]) == [*signed[:RECENT_RECORDS], late]
    assert reverse("clinicians:group_chart", args=[old_evening.pk]) in notes_section
    assert notes_section.count("Draft</span>") == 3  # the two drafts and the line that counts them
    assert "2 records below are not signed yet" in notes_section
    assert "All notes and group entries" in notes_section
    assert reverse("clinicians:chart_entry", args=[client.pk, draft_entry.pk]) in notes_section
