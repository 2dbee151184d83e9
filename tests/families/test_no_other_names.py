"""Nothing a family receives names another client: every portal page (in both
languages), the calendar feed, the family progress report PDF, the summary
message, the invitation, closure and schedule notices, family appointments and
the daily reminders. Another client sits in the same cohort, with attendance, a
personal note, a family appointment and a parent at family group, so a leak
would have something to leak."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families import appointments, invitations, summaries
from families import reminders as daily
from families.models import FamilyGroupAttendance, PersonalNote
from groups import changes
from groups.models import FamilyCalendarToken
from iop.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowded_week(family_week):
    """A second client in client A's cohort, with everything a page could pull in."""
    cohort = family_week.client_a.cohort
    other = factories.ClientFactory(
        cohort=cohort, legal_first_name="Cassidy", legal_last_name="Wrenfield", preferred_name="Cassie"
    )
    factories.EnrollmentFactory(
        client=other, cohort=cohort, started_on=timezone.localdate() - datetime.timedelta(weeks=3)
    )
    monday, _tuesday, wednesday, _thursday = family_week.sessions[family_week.client_a.pk]
    factories.AttendanceFactory(session=monday, client=other)
    factories.AttendanceFactory(session=monday, client=family_week.client_a)
    summary = family_week.summaries[family_week.client_a.pk]
    for client in (other, family_week.client_a):
        note = PersonalNote.objects.create(
            summary=summary, client=client, text="A good week.", written_by=family_week.clinician_1
        )
        summaries.release_note(note, by=family_week.clinician_1)
    other_parent = factories.FamilyLinkFactory(client=other)
    FamilyGroupAttendance.objects.create(
        session=wednesday, link=other_parent, attended=True, recorded_by=family_week.clinician_1
    )
    FamilyGroupAttendance.objects.create(
        session=wednesday,
        link=family_week.family_a.family_links.get(),
        attended=True,
        recorded_by=family_week.clinician_1,
    )
    for client in (other, family_week.client_a):
        factories.FamilyAppointmentFactory(client=client)  # every parent of the client invited
    family_week.others = [other, family_week.client_b]
    return family_week


def other_names(clinic):
    names = set()
    for client in clinic.others:
        names |= {client.legal_first_name, client.legal_last_name, client.preferred_name}
    return {name.lower() for name in names if name}


def family_report_text(clinic, browser):
    """A family progress report of the crowded week, released and downloaded as the family does."""
    import io

    from pypdf import PdfReader

    from clinicians import reports

    report = factories.ProgressReportFactory(
        client=clinic.client_a, variant="family", period_start=timezone.localdate() - datetime.timedelta(weeks=3)
    )
    assert reports.render(report.pk).status == "ready"
    report.refresh_from_db()
    assert reports.release_to_family(report, clinic.clinician_1)
    response = browser.get(reverse("families:report_download", args=[clinic.client_a.pk, report.pk]))
    assert response.status_code == 200
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return " ".join(page.extract_text() for page in pdf.pages)


def everything_family_a_receives(clinic, login):
    a = clinic.client_a
    summary = clinic.summaries[a.pk]
    browser = login(clinic.family_a)
    texts = [family_report_text(clinic, browser)]
    for language in ("en", "es"):
        browser.post(reverse("families:set_language"), {"language": language})
        for url in (
            reverse("families:home"),
            reverse("families:child_home", args=[a.pk]),
            reverse("families:archive", args=[a.pk]),
            reverse("families:summary", args=[a.pk, summary.pk]),
            reverse("families:preferences"),
            reverse("groups:family_calendar"),
        ):
            response = browser.get(url)
            assert response.status_code == 200, url
            texts.append(response.content.decode())
    link = FamilyCalendarToken.renew(clinic.family_a)
    texts.append(browser.get(reverse("groups:family_feed", args=[link.token])).content.decode())
    # Messages: the summary notice, an invitation, a closure, a move and a make-up evening.
    summary.status, summary.published_at, summary.published_by = "draft", None, None
    summary.save()
    summaries.publish(summary, by=clinic.clinician_1, base_url="https://clinic.example")
    invitations.send_invitation(clinic.family_a, by=clinic.admin, base_url="https://clinic.example")
    _monday, tuesday, _wednesday, _thursday = clinic.sessions[a.pk]
    changes.apply_closure(factories.ClosureFactory(starts_on=tuesday.local_date, cohort=a.cohort))
    wednesday = clinic.sessions[a.pk][2]
    changes.reschedule(wednesday, wednesday.starts_at + datetime.timedelta(days=2), clinic.admin)
    changes.add_make_up(a.cohort, wednesday.starts_at + datetime.timedelta(days=5), clinic.admin)
    # Family appointments: booked, the day before, cancelled; the daily group reminders.
    (appointment,) = a.family_appointments.all()
    appointments.book(appointment, list(appointment.invited.all()), by=clinic.clinician_1)
    daily.family_appointments_tomorrow(now=appointment.starts_at - datetime.timedelta(days=1))
    appointments.cancel(appointment, reason="Snow", by=clinic.clinician_1)
    evening = factories.SessionFactory(cohort=a.cohort, day=timezone.localdate() + datetime.timedelta(days=10))
    evening.family_group_starts_at, evening.family_group_ends_at = evening.starts_at, evening.ends_at
    evening.save()
    daily.group_tonight(now=evening.starts_at - datetime.timedelta(hours=3))
    daily.family_group_tomorrow(now=evening.starts_at - datetime.timedelta(days=1))
    messages = list(OutboxMessage.objects.filter(recipient=clinic.family_a))
    assert {m.kind for m in messages} >= {
        "skill_summary",
        "family_invitation",
        "closure",
        "reschedule",
        "make_up",
        "family_session",
        "group_tonight",
        "family_group_tomorrow",
    }
    assert len([m for m in messages if m.kind == "family_session"]) == 3
    texts += [f"{m.subject}\n{m.body}" for m in messages]
    return texts


def test_nothing_a_family_receives_names_another_client(monday_morning, crowded_week, login):
    names = other_names(crowded_week)
    for text in everything_family_a_receives(crowded_week, login):
        found = [name for name in names if name in text.lower()]
        assert not found, (found, text[:300])


def test_the_check_would_catch_a_leak(crowded_week):
    """The names searched for are real and distinctive (a guard against a vacuous test)."""
    assert {"cassidy", "wrenfield", "cassie", "blake", "rowan"} <= other_names(crowded_week)
