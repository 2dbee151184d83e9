"""What a progress report says, and how it becomes a PDF.

``sections(report)`` gathers everything from the record for the report's
client and period (a fixed number of queries); ``report_html`` renders the
variant's template (Django's autoescaping applies: typed text is text, never
markup); ``pdf_from_html`` turns it into a PDF with WeasyPrint using only the
project's stylesheet and the DejaVu fonts matplotlib ships, and refuses every
URL that is not a local file of the project or a data: URI, so nothing is
fetched from the network."""

import atexit
import datetime
import functools
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from groups.curriculum import skills_by_week
from groups.hours import ADOLESCENT_MINIMUM_WEEKLY_HOURS, PROGRAM_WEEKLY_HOURS_OFFERED, weekly_hours
from groups.models import Attendance, Enrollment, Session
from groups.models.sessions import local_midnight
from groups.recurrence import week_start, weeks_between
from iop.models import Program

from . import charts
from .models import Administration, Discharge, Medication, Note, ObjectiveProgress, PlanReview, TreatmentPlan
from .models.discharge import FOLLOW_UP_WITHIN_DAYS
from .models.measures import PHQ_KINDS
from .models.reports import ProgressReport
from .progress import progress_for

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "report.css"
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_FACES = (("normal", "DejaVuSans.ttf"), ("bold", "DejaVuSans-Bold.ttf"))
# The only places a report may read files from.
LOCAL_ROOTS = (Path(settings.BASE_DIR) / "static", FONT_DIR)

PRESENT = (Attendance.Status.PRESENT,)
PARTIAL = (Attendance.Status.LATE, Attendance.Status.LEFT_EARLY)


@dataclass
class ReportWeek:
    week_of: datetime.date
    hours: float = 0
    hours_offered: float = 0
    under_minimum: bool = False
    enrolled: bool = False
    #: A finished week that offered fewer hours than the minimum (``groups.hours.Week.short``).
    short: bool = False
    present: int = 0
    partial: int = 0
    excused: int = 0
    absent: int = 0
    skill: object = None

    @property
    def evenings_attended(self):
        return self.present + self.partial


@dataclass
class Sections:
    report: ProgressReport
    client: object
    today: datetime.date
    weeks: list = field(default_factory=list)
    progress: object = None
    chart_uri: str = ""
    period_scores: list = field(default_factory=list)
    plan: object = None
    objectives: list = field(default_factory=list)
    last_review: object = None
    medications: list = field(default_factory=list)
    family_sessions: list = field(default_factory=list)
    discharge: object = None
    minimum_hours: int = ADOLESCENT_MINIMUM_WEEKLY_HOURS
    hours_offered_by_program: int = PROGRAM_WEEKLY_HOURS_OFFERED
    follow_up_within_days: int = FOLLOW_UP_WITHIN_DAYS

    @property
    def prorated_scores(self):
        """The period's totals scaled up from 7 or 8 items answered (marked in the table)."""
        return [a for a in self.period_scores if a.prorated]

    @property
    def total_hours(self):
        return round(sum(week.hours for week in self.weeks), 1)

    @property
    def weeks_under_minimum(self):
        return sum(week.under_minimum for week in self.weeks)

    @property
    def evenings_attended(self):
        return sum(week.evenings_attended for week in self.weeks)

    @property
    def evenings_recorded(self):
        return sum(week.evenings_attended + week.excused + week.absent for week in self.weeks)

    @property
    def skills(self):
        """Each skill once, in the order the weeks covered them."""
        seen = []
        for week in self.weeks:
            if week.skill is not None and week.enrolled and week.skill not in seen:
                seen.append(week.skill)
        return seen


def sections(report, today=None):
    """Everything the report shows, for its client and period."""
    today = today or timezone.localdate()
    client = report.client
    found = Sections(report=report, client=client, today=today)
    found.weeks = _weeks(client, report.period_start, report.period_end, today)
    if report.variant == ProgressReport.Variant.FAMILY:
        # Released content only: attendance, skills and the times of family sessions.
        found.family_sessions = _family_sessions(client, report)
        return found
    _measures(found, client, report, today)
    _plan(found, client)
    if report.variant == ProgressReport.Variant.PAYER:
        found.medications = list(
            Medication.objects.filter(client=client, started_on__lte=report.period_end)
            .filter(Q(stopped_on__isnull=True) | Q(stopped_on__gte=report.period_start))
            .select_related("prescriber")
        )
        found.family_sessions = _family_sessions(client, report)
        in_period = Discharge.objects.filter(
            client=client, discharged_on__gte=report.period_start, discharged_on__lte=report.period_end
        )
        found.discharge = in_period.order_by("-discharged_on", "-pk").first()
    return found


def _weeks(client, start, end, today):
    mondays = weeks_between(start, end)
    (client_weeks,) = weekly_hours([client], mondays, today)
    rows = {
        w.week_of: ReportWeek(w.week_of, w.hours, w.hours_offered, w.under_minimum, w.enrolled, short=w.short)
        for w in client_weeks.weeks
    }
    sessions = Session.objects.between_days(start, end)
    for mark in Attendance.objects.filter(client=client, session__in=sessions).select_related("session"):
        row = rows[week_start(mark.session.local_date)]
        if mark.status in PRESENT:
            row.present += 1
        elif mark.status in PARTIAL:
            row.partial += 1
        elif mark.status == Attendance.Status.EXCUSED:
            row.excused += 1
        else:
            row.absent += 1
    enrollments = list(Enrollment.objects.filter(client=client, started_on__lte=end))
    cohorts = {e.cohort_id for e in enrollments} | ({client.cohort_id} if client.cohort_id else set())
    skills = skills_by_week(cohorts, mondays)
    for monday, row in rows.items():
        sunday = monday + datetime.timedelta(days=6)
        enrolled_in = [e.cohort_id for e in enrollments if e.started_on <= sunday and (e.ended_on or sunday) >= monday]
        for cohort_id in enrolled_in or [client.cohort_id]:
            row.skill = row.skill or skills.get((cohort_id, monday))
    return [rows[monday] for monday in mondays]


def _measures(found, client, report, today):
    until = local_midnight(report.period_end + datetime.timedelta(days=1))
    administrations = list(
        Administration.objects.filter(client=client, instrument__in=PHQ_KINDS, administered_at__lt=until)
    )
    found.progress = progress_for(client, administrations, Program.current().phq_due_days, today)
    svg = charts.client_trend_svg(client, found.progress)
    found.chart_uri = charts.as_data_uri(svg) if svg else ""
    found.period_scores = [
        a
        for a in found.progress.scored
        if report.period_start <= timezone.localdate(a.administered_at) <= report.period_end
    ]


def _plan(found, client):
    found.plan = TreatmentPlan.objects.signed().filter(client=client).order_by("-version").first()
    if found.plan is None:
        return
    latest = {}
    progress = ObjectiveProgress.objects.filter(objective__plan=found.plan).select_related("review")
    for entry in progress.order_by("review__reviewed_on", "pk"):
        latest[entry.objective_id] = entry
    found.objectives = [(objective, latest.get(objective.pk)) for objective in found.plan.objectives.all()]
    found.last_review = PlanReview.objects.filter(plan=found.plan).first()


def _family_sessions(client, report):
    """When family sessions happened and who took part; never what was said."""
    return list(
        Note.objects.filter(
            client=client,
            kind__in=Note.FAMILY_KINDS,
            occurred_at__gte=local_midnight(report.period_start),
            occurred_at__lt=local_midnight(report.period_end + datetime.timedelta(days=1)),
        )
        .only("kind", "occurred_at", "duration_minutes", "mode", "participants", "client_id")
        .order_by("occurred_at")
    )


REPORT_TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates" / "clinicians" / "reports"
TEMPLATES = {
    ProgressReport.Variant.CLINICAL: "clinicians/reports/clinical.html",
    ProgressReport.Variant.PAYER: "clinicians/reports/clinical.html",
    ProgressReport.Variant.FAMILY: "clinicians/reports/family.html",
}


def report_html(report, today=None):
    context = {"s": sections(report, today), "report": report, "payer": report.variant == "payer"}
    with translation.override(report.language if report.variant == ProgressReport.Variant.FAMILY else "en"):
        return render_to_string(TEMPLATES[report.variant], context)


# --- PDF ------------------------------------------------------------------------------


def local_only_fetcher():
    """WeasyPrint's fetcher, limited to data: URIs and the project's own files."""
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file://"):
                path = Path(url.removeprefix("file://").split("?")[0]).resolve()
                if not any(path.is_relative_to(root) for root in LOCAL_ROOTS):
                    raise ValueError(f"Refused to fetch {url[:200]}: reports use the project's own files only.")
            elif not url.startswith("data:"):
                raise ValueError(f"Refused to fetch {url[:200]}: reports use the project's own files only.")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("file", "data"), allow_redirects=False)


def _font_faces():
    faces = []
    for weight, name in FONT_FACES:
        source = (FONT_DIR / name).as_uri()
        faces.append(f'@font-face {{ font-family: "DejaVu Sans"; font-weight: {weight}; src: url("{source}"); }}')
    return "\n".join(faces) + "\n"


@functools.cache
def _stylesheet():
    """The report stylesheet and its fonts, parsed once per process."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(string=_font_faces() + STYLESHEET.read_text(), font_config=fonts, url_fetcher=local_only_fetcher())
    return css, fonts


# Let the font configuration go while the interpreter is still whole (its
# finaliser needs modules that are gone at the very end).
atexit.register(_stylesheet.cache_clear)


def prepare_renderer():
    """Run once by a worker that renders reports, at start-up and before its
    processes fork (iop/celery.py), so its first report does not wait for what
    every later report finds done: importing this module (matplotlib) and
    WeasyPrint, matplotlib's first drawing, and compiling the report templates.
    No database connection and no WeasyPrint font configuration is made here
    (each process makes its own on its first report, ``_stylesheet``); the
    font files matplotlib opens are forgotten by a forked child, which opens
    its own."""
    import weasyprint  # noqa: F401 - importing is the point
    import weasyprint.text.fonts  # noqa: F401
    from django.template.loader import get_template

    first = datetime.date(2026, 1, 5)
    charts.phq_trend_svg([(first, 14), (first + datetime.timedelta(days=14), 9)], baseline=14)
    # Every template of the reports, those they extend and include as well.
    for path in sorted(REPORT_TEMPLATE_DIR.glob("*.html")):
        get_template(f"clinicians/reports/{path.name}")


def pdf_from_html(html):
    """(PDF bytes, page count) for the report's HTML."""
    from weasyprint import HTML

    css, fonts = _stylesheet()
    document = HTML(string=html, base_url=str(LOCAL_ROOTS[0]), url_fetcher=local_only_fetcher()).render(
        stylesheets=[css], font_config=fonts
    )
    return document.write_pdf(), len(document.pages)
