"""The main page of each role costs the same number of queries with 10 clients as
with 100 (and more history, more cohorts, more evenings), and no more than its
pinned budget (session and audit writes included)."""

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups import schedule
from groups.models import Attendance, Session
from groups.recurrence import week_start
from tests import factories

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Page:
    route: str  # URL name
    role: str
    budget: int  # queries of one request, session and audit writes included (pinned)
    # The clinic below has an open safety alert: staff pages read whether one is open, then the viewer's list.
    client_arg: bool = False

    def url(self, clinic):
        return reverse(self.route, args=[clinic.client_a.pk] if self.client_arg else [])


PAGES = {
    "clinician_home": Page("clinician_home", "clinician_1", 13),
    # Tonight: two weeks back to one ahead in one query, the next evening when it is
    # further off, and one roster query for every evening listed (earlier ones included).
    "tonight": Page("clinicians:tonight", "clinician_1", 16),
    "chart": Page("clinicians:chart", "clinician_1", 17, client_arg=True),
    "caseload": Page("clinicians:caseload", "clinician_1", 16),
    "client_list": Page("client_list", "clinician_1", 9),
    "admin_home": Page("admin_home", "admin", 9),
    "admin_week": Page("groups:week", "admin", 10),
    "clinician_week": Page("groups:week", "clinician_1", 12),
    "family_home": Page("families:home", "family_a", 19),
    "audit": Page("audit_log", "admin", 14),
    "staff_list": Page("staff_list", "admin", 8),
    "client_access": Page("client_access", "admin", 10, client_arg=True),
}


def grow(clinic, clients, cohorts):
    """Add ``clients`` clients to client A's cohort (with enrollments, this week's
    attendance, notes and PHQ-9s), ``cohorts`` more cohorts with their evenings, and
    two more weeks of history to client A's chart."""
    today = timezone.localdate()
    monday = week_start(today)
    home = clinic.client_a.cohort
    new_cohorts = [factories.CohortFactory() for _ in range(cohorts)]
    schedule.generate_all(
        [home, clinic.client_b.cohort, *new_cohorts],
        monday - datetime.timedelta(weeks=1),
        monday + datetime.timedelta(days=6),
    )
    past = list(Session.objects.filter(cohort=home, ends_at__lt=timezone.now()))
    for n in range(clients):
        client = factories.ClientFactory(
            cohort=home, lead_clinician=home.lead_clinician, admitted_on=today - datetime.timedelta(weeks=2)
        )
        factories.EnrollmentFactory(client=client, cohort=home)
        factories.NoteFactory(client=client)
        factories.AdministrationFactory(client=client, administered_at=timezone.now() - datetime.timedelta(days=n % 7))
        Attendance.objects.bulk_create(Attendance(session=s, client=client, status="present") for s in past)
    for days in (7, 14):
        factories.NoteFactory(client=clinic.client_a, occurred_at=timezone.now() - datetime.timedelta(days=days))
        factories.AdministrationFactory(
            client=clinic.client_a, administered_at=timezone.now() - datetime.timedelta(days=days)
        )
    Attendance.objects.bulk_create(
        (Attendance(session=s, client=clinic.client_a, status="present") for s in past), ignore_conflicts=True
    )


def queries_of(browser, url):
    browser.get(url)  # the first request fills per-process caches (content types, program)
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def small_clinic(clinic):
    for client in (clinic.client_a, clinic.client_b):
        client.admitted_on = timezone.localdate() - datetime.timedelta(weeks=3)
        client.save()
        factories.EnrollmentFactory(client=client, cohort=client.cohort)
    factories.SkillSummaryFactory(cohort_week__cohort=clinic.client_a.cohort)
    grow(clinic, clients=9, cohorts=1)
    return clinic


@pytest.mark.parametrize("name", PAGES)
def test_main_page_queries_do_not_grow_with_the_clinic(name, small_clinic, login):
    page = PAGES[name]
    url = page.url(small_clinic)
    browser = login(small_clinic.role(page.role))

    with_10 = queries_of(browser, url)
    grow(small_clinic, clients=90, cohorts=4)
    with_100 = queries_of(browser, url)

    assert with_10 == with_100
    assert with_100 <= page.budget
