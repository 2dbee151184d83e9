"""Progress report PDFs: what each variant says (text extracted with pypdf),
what the family variant must never hold, the job's failure and retry, and the
pages that request, watch and download a report."""

import datetime
import io
import os
import re
from dataclasses import dataclass

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from clinicians import report_content, reports
from clinicians.models import ObjectiveProgress, PlanReview, ProgressReport
from groups.recurrence import week_start
from iop.models import AuditEntry
from tests import factories
from tests.pages import chart_tab

from .conftest import SECRET

pytestmark = pytest.mark.django_db

Status = ProgressReport.Status
REVIEW_TEXT = "Clinically she is less withdrawn; review detail for the team only."


def phq_answers(total):
    """PHQ-9 answers adding up to ``total`` with item 9 at 0 (no safety alert)."""
    values = [0] * 9
    for i in range(total):
        values[i % 8] += 1
    return {f"phq9_{n}": v for n, v in enumerate(values, start=1)}


def evening(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 40)))


@dataclass
class Record:
    client: object
    first_monday: datetime.date
    plan: object
    note: object


@pytest.fixture
def record(clinic):
    """Client A's last three finished weeks: 12, 5.5 and 9 hours; PHQ 18 -> 12 -> 8;
    a signed plan with a reviewed objective; notes with confidential content."""
    client = clinic.client_a
    cohort = client.cohort
    factories.EnrollmentFactory(client=client, started_on=client.admitted_on)
    first = week_start(timezone.localdate()) - datetime.timedelta(days=21)
    marks = [
        ["present"] * 4,
        ["present", ("late", 30), "absent", "excused"],
        ["present", "present", "present", "absent"],
    ]
    for week, statuses in enumerate(marks):
        monday = first + datetime.timedelta(days=7 * week)
        factories.CohortWeekFactory(
            cohort=cohort, week_of=monday, skill=factories.SkillModuleFactory(title=f"Skill week {week + 1}")
        )
        for offset, status in enumerate(statuses):
            session = factories.SessionFactory(cohort=cohort, day=monday + datetime.timedelta(days=offset))
            late = 0
            if isinstance(status, tuple):
                status, late = status
            factories.AttendanceFactory(session=session, client=client, status=status, late_minutes=late)
    for week, total in enumerate([18, 12, 8]):
        factories.AdministrationFactory(
            client=client, answers=phq_answers(total), administered_at=evening(first + datetime.timedelta(7 * week))
        )
    plan = factories.signed_plan(client)
    review = PlanReview.objects.create(plan=plan, reviewer=clinic.clinician_1, summary=REVIEW_TEXT)
    ObjectiveProgress.objects.create(review=review, objective=plan.objectives.get(), status="progressing")
    note = factories.NoteFactory(client=client)
    factories.NoteFactory(
        client=client, kind="family_session", participants="Client, mother", occurred_at=evening(first)
    )
    factories.MedicationFactory(client=client, name="Fluoxetine")
    return Record(client=client, first_monday=first, plan=plan, note=note)


def make_report(record, user, variant="clinical", **fields):
    fields.setdefault("summary", "Attends well and uses skills at home.")
    fields.setdefault("period_start", record.first_monday)
    return ProgressReport.objects.create(
        client=record.client,
        requested_by=user,
        variant=variant,
        period_end=record.first_monday + datetime.timedelta(days=20),
        **fields,
    )


def rendered_text(report):
    assert reports.render(report.pk).status == Status.READY
    report.refresh_from_db()
    with report.pdf.open("rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


# --- What the PDFs say -----------------------------------------------------------------


def test_clinical_report_has_every_section_with_hours_and_phq_totals(clinic, record):
    text = rendered_text(make_report(record, clinic.clinician_1))
    for heading in (
        "Identity",
        "Attendance and hours per week",
        "PHQ-9 / PHQ-A",
        "Treatment plan",
        "Skills covered",
        "Clinician summary",
        "Signature:",
    ):
        assert heading in text
    assert record.client.legal_name in text and record.client.chart_number in text
    # Hours per week against the 6-hour minimum: 12, 5.5 (flagged) and 9.
    assert "6-hour minimum" in text and "Total 26.5 hours" in text
    assert "12.0" in text and "5.5" in text and "9.0" in text
    assert "weeks under the minimum: 1" in text and "Below minimum" in text
    assert "Baseline 18" in text and "latest 8" in text and "change -10 (-56%)" in text
    assert "Response: yes. Remission: no." in text
    assert "Skill week 1" in text and "Skill week 3" in text
    assert record.plan.goal in text and "Progressing" in text
    assert "Attends well and uses skills at home." in text
    assert f"Prepared by {clinic.clinician_1.display_name}" in text


def test_a_finished_week_that_offered_under_the_minimum_reads_short_not_unfinished(clinic, record):
    """Its one evening attended in full: nobody could reach 6 hours, so it is neither
    flagged nor said to be still running."""
    short_monday = record.first_monday - datetime.timedelta(weeks=1)
    client = record.client
    client.admitted_on = short_monday
    client.save()
    client.enrollments.update(started_on=short_monday)
    session = factories.SessionFactory(cohort=client.cohort, day=short_monday + datetime.timedelta(days=3))
    factories.AttendanceFactory(session=session, client=client, status="present")
    report = make_report(record, clinic.clinician_1, period_start=short_monday)
    (short,) = [week for week in report_content.sections(report).weeks if week.week_of == short_monday]
    assert short.short and not short.under_minimum and short.hours == 3.0
    html = report_content.report_html(report)
    assert html.count("Short week") == 1 and "Week not over" not in html


def test_report_chart_is_the_pages_svg(clinic, record):
    report = make_report(record, clinic.clinician_1)
    found = report_content.sections(report)
    from clinicians import charts

    assert found.chart_uri == charts.as_data_uri(charts.client_trend_svg(record.client, found.progress))
    assert "Response (50% drop)" in charts.client_trend_svg(record.client, found.progress)


def test_payer_report_adds_what_reviewers_ask_for(clinic, record):
    report = make_report(
        record,
        clinic.clinician_1,
        variant="payer",
        diagnosis="F32.1 Major depressive disorder, single episode, moderate",
        presentation="Daily low mood; missed 3 of 5 school days.",
        skills_outside_program="Used TIPP at school twice.",
        barriers_to_discharge="Not yet back at school full time.",
    )
    text = rendered_text(report)
    assert "Continued-stay review" in text
    assert "F32.1 Major depressive disorder" in text and "missed 3 of 5 school days" in text
    assert "Fluoxetine" in text and "Family sessions held" in text and "Client, mother" in text
    assert "Used TIPP at school twice." in text and "Not yet back at school full time." in text
    assert "Discharge plan" in text and "within 7 days" in text


def test_family_report_holds_only_released_content_and_no_other_client(clinic, record):
    text = rendered_text(make_report(record, clinic.clinician_1, variant="family"))
    assert "How Avery is doing in group" in text
    assert "Total 26.5 hours" in text and "Skill week 2" in text and "At home:" in text
    assert "Attends well and uses skills at home." in text
    for clinical in (SECRET, record.note.content, record.note.plan, REVIEW_TEXT, record.plan.goal, "PHQ", "Fluoxetine"):
        assert clinical not in text
    # Whole names: a staff member's generated first name may be the same as the other client's.
    first, last = clinic.client_b.legal_first_name, clinic.client_b.legal_last_name
    for other in (f"{first} {last}", f"{last}, {first}", clinic.client_b.chart_number):
        assert other not in text


def test_typed_markup_appears_as_plain_text_in_the_pdf(clinic, record):
    payload = '<script>alert("x")</script><b>bold</b>'
    text = rendered_text(make_report(record, clinic.clinician_1, summary=payload))
    assert '<script>alert("x")</script><b>bold</b>' in text


def test_pdf_fetcher_refuses_the_network_and_files_outside_the_project():
    fetcher = report_content.local_only_fetcher()
    for url in ("https://example.org/font.woff", "http://127.0.0.1/x.css", "file:///etc/passwd", "ftp://x/y"):
        with pytest.raises(ValueError, match="Refused"):
            fetcher.fetch(url)
    response = fetcher.fetch(report_content.STYLESHEET.as_uri())
    assert b"@page" in response.read()
    response.close()


# --- The job: failure shown, retried, and the sweep -------------------------------------


def failing_renderer(html):
    raise RuntimeError("the renderer broke on purpose")


@override_settings(REPORT_RENDERER="tests.clinicians.test_reports.failing_renderer", REPORT_MAX_ATTEMPTS=2)
def test_failure_is_recorded_retried_with_backoff_then_shown(clinic, record, login):
    report = make_report(record, clinic.clinician_1)
    first = reports.render(report.pk)
    report.refresh_from_db()
    assert first.retry_in == 30 and report.status == Status.QUEUED and report.attempts == 1
    assert "the renderer broke on purpose" in report.error
    assert reports.render(report.pk).status == Status.QUEUED  # not due yet: backoff holds
    ProgressReport.objects.filter(pk=report.pk).update(next_attempt_at=timezone.now())
    assert reports.render(report.pk).status == Status.FAILED
    page = login(clinic.clinician_1).get(reverse("clinicians:report", args=[report.pk])).content.decode()
    assert "Failed" in page and "RuntimeError: the renderer broke on purpose" in page and "Try again" in page


@override_settings(REPORT_RENDERER="tests.clinicians.test_reports.failing_renderer", REPORT_MAX_ATTEMPTS=1)
def test_failed_report_can_be_retried_and_then_renders(clinic, record, login, django_capture_on_commit_callbacks):
    report = make_report(record, clinic.clinician_1)
    assert reports.render(report.pk).status == Status.FAILED
    with override_settings(REPORT_RENDERER="clinicians.report_content.pdf_from_html"):
        with django_capture_on_commit_callbacks() as callbacks:
            response = login(clinic.clinician_1).post(reverse("clinicians:report_retry", args=[report.pk]))
        assert response.status_code == 302 and len(callbacks) == 1
        assert reports.render(report.pk).status == Status.READY
    assert AuditEntry.objects.filter(event="retry_report").count() == 1


def test_sweep_picks_up_reports_left_queued_and_interrupted_renders(clinic, record, settings):
    settings.REPORT_SWEEP_GRACE_SECONDS = 0
    queued = make_report(record, clinic.clinician_1)
    interrupted = make_report(record, clinic.clinician_1)
    assert reports.claim(interrupted.pk)
    assert reports.sweep() == [queued.pk]
    later = timezone.now() + datetime.timedelta(seconds=settings.REPORT_RENDER_TIMEOUT_SECONDS + 1)
    assert sorted(reports.sweep(now=later)) == sorted([queued.pk, interrupted.pk])
    interrupted.refresh_from_db()
    assert interrupted.error == reports.INTERRUPTED


def test_duplicate_renders_make_one_file(clinic, record):
    report = make_report(record, clinic.clinician_1)
    assert reports.render(report.pk).status == Status.READY
    assert reports.render(report.pk).status == Status.READY
    report.refresh_from_db()
    assert report.attempts == 1
    folder = report.pdf.storage.path(f"reports/{record.client.pk}")
    assert os.listdir(folder) == [os.path.basename(report.pdf.name)]


# --- Pages ----------------------------------------------------------------------------


def test_request_form_rerenders_with_errors_keeping_input(clinic, record, login):
    url = reverse("clinicians:report_new", args=[record.client.pk])
    response = login(clinic.clinician_1).post(
        url,
        {
            "variant": "payer",
            "period_start": "2026-01-10",
            "period_end": "2026-01-01",
            "language": "en",
            "summary": "Kept summary text",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "The period ends before it starts." in page
    assert "A continued-stay review needs this." in page and "Kept summary text" in page
    assert not ProgressReport.objects.exists()


def test_requesting_queues_after_commit_audits_and_shows_progress(
    clinic, record, login, django_capture_on_commit_callbacks
):
    http = login(clinic.clinician_1)
    data = {
        "variant": "clinical",
        "period_start": record.first_monday.isoformat(),
        "period_end": timezone.localdate().isoformat(),
        "language": "en",
        "summary": "Doing better.",
    }
    with django_capture_on_commit_callbacks() as callbacks:
        response = http.post(reverse("clinicians:report_new", args=[record.client.pk]), data)
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("clinicians:report", args=[report.pk])
    assert len(callbacks) == 1 and AuditEntry.objects.filter(event="request_report", client_id=report.client_id)
    page = http.get(response.url).content.decode()
    assert "Queued" in page and 'hx-trigger="every 2s"' in page and "<script>" not in page.split("<body")[1]
    assert AuditEntry.objects.filter(event="view_report").count() == 1
    reports.render(report.pk)
    fragment = http.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "Download PDF" in fragment and "hx-trigger" not in fragment
    assert AuditEntry.objects.filter(event="view_report").count() == 1  # polling is not a view


def test_download_is_an_audited_private_attachment(clinic, record, login):
    report = make_report(record, clinic.clinician_1)
    reports.render(report.pk)
    response = login(clinic.clinician_1).get(reverse("clinicians:report_download", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and ".pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    entry = AuditEntry.objects.get(event="download_report")
    assert entry.actor == clinic.clinician_1 and entry.client_id == record.client.pk


@pytest.mark.parametrize(
    ("role", "expected"),
    [("clinician_1", 200), ("clinician_2", 404), ("admin", 403), ("family_a", 404), ("family_b", 404)],
)
def test_clinical_download_by_role(clinic, record, login, role, expected):
    report = make_report(record, clinic.clinician_1)
    reports.render(report.pk)
    response = login(clinic.role(role)).get(reverse("clinicians:report_download", args=[report.pk]))
    assert response.status_code == expected
    assert AuditEntry.objects.filter(event="download_report").count() == (1 if expected == 200 else 0)


def test_pending_report_has_no_download(clinic, record, login):
    report = make_report(record, clinic.clinician_1)
    assert login(clinic.clinician_1).get(reverse("clinicians:report_download", args=[report.pk])).status_code == 404


def test_family_downloads_a_released_family_report_only(clinic, record, login):
    family = make_report(record, clinic.clinician_1, variant="family")
    clinical = make_report(record, clinic.clinician_1)
    for report in (family, clinical):
        reports.render(report.pk)
        report.refresh_from_db()

    def family_get(user, report):
        url = reverse("families:report_download", args=[record.client.pk, report.pk])
        return login(user).get(url)

    assert family_get(clinic.family_a, family).status_code == 404  # not released yet
    assert not reports.release_to_family(clinical, clinic.clinician_1)
    login(clinic.clinician_1).post(reverse("clinicians:report_release", args=[family.pk]))
    assert AuditEntry.objects.filter(event="release_report").count() == 1
    home = login(clinic.family_a).get(reverse("families:home")).content.decode()
    assert reverse("families:report_download", args=[record.client.pk, family.pk]) in home
    # Named with dates a parent reads easily, in their language.
    start, end = family.period_start, family.period_end
    assert f"Progress report, {start.day} {start:%B %Y} to {end.day} {end:%B %Y}" in home
    clinic.family_a.language = "es"
    clinic.family_a.save()
    home = login(clinic.family_a).get(reverse("families:home")).content.decode()
    assert f"{end.day} de " in home and f"{start:%Y-%m-%d}" not in home
    response = family_get(clinic.family_a, family)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert AuditEntry.objects.filter(event="family_download_report", actor=clinic.family_a).count() == 1
    assert family_get(clinic.family_a, clinical).status_code == 404
    assert family_get(clinic.family_b, family).status_code == 404
    assert login(clinic.family_a).get(reverse("clinicians:report_download", args=[family.pk])).status_code == 404


def test_discharge_queues_a_clinical_report_of_the_episode(clinic, record, django_capture_on_commit_callbacks):
    from clinicians.discharging import discharge
    from clinicians.models import Discharge

    today = timezone.localdate()
    record_ = Discharge(
        reason="completed",
        objectives_summary="Met.",
        status_summary="Ready to step down.",
        aftercare_plan="Weekly therapy.",
        follow_up_with="Dr Lee",
        follow_up_on=today + datetime.timedelta(days=5),
        follow_up_time=datetime.time(16, 0),
        follow_up_where="Main St clinic",
    )
    with django_capture_on_commit_callbacks() as callbacks:
        discharge(record.client, record_, clinic.clinician_1)
    report = ProgressReport.objects.get()
    assert report.at_discharge and report.variant == "clinical" and report.summary == "Ready to step down."
    assert (report.period_start, report.period_end) == (record.client.admitted_on, today)
    assert len(callbacks) == 1


def test_chart_lists_reports_with_their_status(clinic, record, login):
    report = make_report(record, clinic.clinician_1)
    page = chart_tab(login(clinic.clinician_1), record.client, "reports")
    assert reverse("clinicians:report", args=[report.pk]) in page and "Queued" in page
    assert reverse("clinicians:report_new", args=[record.client.pk]) in page


def test_demo_has_ready_reports_and_a_released_one_for_the_demo_parent(login):
    from django.core.management import call_command

    from iop.models import User

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert ProgressReport.objects.count() == 3
    assert set(ProgressReport.objects.values_list("status", flat=True)) <= {Status.READY, Status.QUEUED}
    family = ProgressReport.objects.get(variant="family")
    if family.is_ready:  # rendered within seed_demo's time budget
        parent = User.objects.get(email="parent@demo.clinic")
        url = reverse("families:report_download", args=[family.client_id, family.pk])
        assert url in login(parent).get(reverse("families:home")).content.decode()
        assert login(parent).get(url).status_code == 200


def test_family_report_is_written_in_the_familys_language(clinic, record):
    text = rendered_text(make_report(record, clinic.clinician_1, variant="family", language="es"))
    assert "Cómo le va a Avery en el grupo" in text and "Asistencia y horas por semana" in text
    assert "Total: 26,5 horas" in text and "Mínimo de 6 horas" in text


@pytest.mark.parametrize("value", ["x" * 100_000, "Zoë ✓ 日本語 🙂", "'; DROP TABLE x; --", "\x00"])
def test_request_form_takes_any_summary_without_a_500(clinic, record, login, value):
    today = timezone.localdate().isoformat()
    data = {"variant": "family", "period_start": today, "period_end": today, "language": "en", "summary": value}
    response = login(clinic.clinician_1).post(reverse("clinicians:report_new", args=[record.client.pk]), data)
    assert response.status_code in (200, 302)
    if len(value) > 4000:
        assert response.status_code == 200 and not ProgressReport.objects.exists()


def test_a_long_queued_report_says_when_the_worker_is_quiet(clinic, record, login):
    from iop.models import Heartbeat

    report = make_report(record, clinic.clinician_1)
    url = reverse("clinicians:report", args=[report.pk])
    assert "has not reported in" not in login(clinic.clinician_1).get(url).content.decode()
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    ProgressReport.objects.filter(pk=report.pk).update(created_at=long_ago)
    Heartbeat.objects.create(name="reports", seen_at=long_ago)
    assert "has not reported in" in login(clinic.clinician_1).get(url).content.decode()
    Heartbeat.objects.filter(name="reports").update(seen_at=timezone.now())
    assert "has not reported in" not in login(clinic.clinician_1).get(url).content.decode()


def test_a_prorated_total_is_marked_as_such_in_the_clinical_report(clinic, record):
    """A total scaled up from 8 of 9 items answered reads as a prorated total, in the
    table and on the latest-score line, not as if every item was answered."""
    answers = phq_answers(6)
    answers["phq9_1"] = None  # item 1 skipped: 8 of 9 answered
    factories.AdministrationFactory(
        client=record.client,
        answers=answers,
        administered_at=evening(record.first_monday + datetime.timedelta(days=18)),
    )
    text = rendered_text(make_report(record, clinic.clinician_1))
    assert "latest 6" in text and "Mild, prorated)" in text
    assert "6*" in text and "* Prorated:" in text and "8 of 9 items answered" in text
    # The totals from every item answered carry no mark.
    assert "18*" not in text and "12*" not in text


def test_a_family_report_summary_names_no_other_client(clinic, record, login):
    classmate = factories.ClientFactory(cohort=record.client.cohort, legal_first_name="Oxana")
    factories.EnrollmentFactory(client=classmate, cohort=classmate.cohort)
    today = timezone.localdate().isoformat()
    own = record.client.first_name
    data = {"variant": "family", "period_start": today, "period_end": today, "language": "en"}
    url = reverse("clinicians:report_new", args=[record.client.pk])
    browser = login(clinic.clinician_1)
    response = browser.post(url, {**data, "summary": f"{own} and Oxana practised together."})
    assert response.status_code == 200
    assert "must not name another client (found: Oxana)" in response.content.decode()
    assert not ProgressReport.objects.exists()
    # The clinical report is for the team: a classmate may be named there.
    clinical = {**data, "variant": "clinical", "summary": f"{own} and Oxana practised together."}
    assert browser.post(url, clinical).status_code == 302
    assert browser.post(url, {**data, "summary": f"{own} practised with a classmate."}).status_code == 302


def test_a_long_unbroken_string_wraps_within_the_pdf_page(clinic, record):
    """A pasted link or a held-down key: every character is on the page, wrapped,
    not cut off at the margin."""
    long_word = "Q" * 3000
    report = make_report(record, clinic.clinician_1, variant="family", summary=long_word)
    text = rendered_text(report)
    assert text.replace(" ", "").count("Q") >= 3000
    # Laid out as lines across the page, not one line running off it.
    with report.pdf.open("rb") as pdf:
        lines = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read())).pages).splitlines()
    runs = [len(line.strip()) for line in lines if line.strip().startswith("QQQ")]
    assert len(runs) > 20 and max(runs) < 120


def test_a_spanish_family_report_dates_in_spanish_says_the_skills_are_in_english_and_is_told_apart(
    clinic, record, login
):
    from django.utils import translation

    spanish = make_report(record, clinic.clinician_1, variant="family", language="es")
    text = rendered_text(spanish)
    start = record.first_monday
    with translation.override("es"):
        spanish_start = date_format(start, "j \\d\\e F \\d\\e Y")
    assert f"del {spanish_start}" in text and f"{start:%Y-%m-%d}" not in text
    assert "Las habilidades se describen en inglés" in text
    english = make_report(record, clinic.clinician_1, variant="family", language="en")
    assert "skills are described in English" not in rendered_text(english)
    assert spanish.download_name != english.download_name and "-es-" in spanish.download_name
    # In an English portal the Spanish one says which it is, and the other way round.
    assert "(Español)" in spanish.family_name and "(" not in english.family_name
    with translation.override("es"):
        assert "(English)" in english.family_name and "(" not in spanish.family_name
    # The team's clinical report keeps its plain dates.
    assert f"Period: {start:%Y-%m-%d}" in rendered_text(make_report(record, clinic.clinician_1))
