"""Admission, transfer and discharge keep the client's current cohort in step."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from groups import enrollment
from groups.models import Attendance, Enrollment
from iop.models import AuditEntry, Client
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def referred(clinic):
    return factories.ClientFactory(
        cohort=None, lead_clinician=clinic.clinician_1, status=Client.Status.REFERRED, admitted_on=None
    )


def test_admit_opens_an_enrollment_and_sets_the_current_cohort(clinic, referred):
    cohort = clinic.client_a.cohort

    enrollment.admit(referred, cohort, TODAY, clinic.admin)

    referred.refresh_from_db()
    assert (referred.cohort, referred.status, referred.admitted_on) == (cohort, "admitted", TODAY)
    assert Enrollment.objects.get(client=referred).ended_on is None
    assert AuditEntry.objects.filter(event="admit", client_id=referred.pk).exists()


def test_admitting_a_client_already_in_a_cohort_is_refused(clinic, referred):
    enrollment.admit(referred, clinic.client_a.cohort, TODAY, clinic.admin)
    with pytest.raises(ValidationError):
        enrollment.admit(referred, clinic.client_b.cohort, TODAY, clinic.admin)


def test_transfer_ends_the_old_enrollment_the_day_before(clinic, referred):
    enrollment.admit(referred, clinic.client_a.cohort, TODAY, clinic.admin)

    enrollment.transfer(referred, clinic.client_b.cohort, TODAY + datetime.timedelta(days=7), clinic.admin)

    referred.refresh_from_db()
    old, new = Enrollment.objects.filter(client=referred).order_by("started_on")
    assert (old.ended_on, old.end_reason) == (TODAY + datetime.timedelta(days=6), "transfer")
    assert (new.cohort, new.ended_on, referred.cohort) == (clinic.client_b.cohort, None, clinic.client_b.cohort)


def test_transfer_to_the_same_cohort_or_on_the_first_day_is_refused(clinic, referred):
    enrollment.admit(referred, clinic.client_a.cohort, TODAY, clinic.admin)
    with pytest.raises(ValidationError):
        enrollment.transfer(referred, clinic.client_a.cohort, TODAY + datetime.timedelta(days=7), clinic.admin)
    with pytest.raises(ValidationError):
        enrollment.transfer(referred, clinic.client_b.cohort, TODAY, clinic.admin)


def test_discharge_ends_future_expectations(enrolled):
    client = enrolled.client_a
    today = timezone.localdate()
    later = factories.SessionFactory(cohort=client.cohort, day=today + datetime.timedelta(days=3))
    Attendance.objects.create(session=later, client=client, status="excused")

    enrollment.discharge(client, today, enrolled.admin)

    client.refresh_from_db()
    assert (client.status, client.discharged_on, client.cohort) == ("discharged", today, None)
    assert list(enrollment.roster(later)) == []
    assert not Attendance.objects.filter(client=client).exists()


def test_transfer_clears_what_was_marked_ahead_in_the_old_cohort_from_its_first_day(enrolled):
    client = enrolled.client_a
    today = timezone.localdate()
    before = factories.SessionFactory(cohort=client.cohort, day=today + datetime.timedelta(days=1))
    after = factories.SessionFactory(cohort=client.cohort, day=today + datetime.timedelta(days=3))
    for session in (before, after):
        Attendance.objects.create(session=session, client=client, status="excused")

    enrollment.transfer(client, enrolled.client_b.cohort, today + datetime.timedelta(days=2), enrolled.admin)

    assert list(Attendance.objects.filter(client=client).values_list("session", flat=True)) == [before.pk]
    assert list(enrollment.roster(after)) == []


def test_a_transfer_dated_back_keeps_what_was_recorded_at_evenings_already_held(enrolled):
    client = enrolled.client_a
    today = timezone.localdate()
    held = factories.SessionFactory(cohort=client.cohort, day=today - datetime.timedelta(days=2))
    Attendance.objects.create(session=held, client=client, status="present")

    enrollment.transfer(client, enrolled.client_b.cohort, today - datetime.timedelta(days=3), enrolled.admin)

    assert Attendance.objects.get(client=client).session == held


def test_readmission_after_discharge_starts_a_new_episode(enrolled):
    client = enrolled.client_a
    today = timezone.localdate()
    enrollment.discharge(client, today, enrolled.admin)

    enrollment.admit(client, enrolled.client_b.cohort, today + datetime.timedelta(days=30), enrolled.admin)

    client.refresh_from_db()
    assert (client.status, client.discharged_on, client.cohort) == ("admitted", None, enrolled.client_b.cohort)


def test_roster_follows_enrollment_dates(enrolled):
    client = enrolled.client_a
    day = timezone.localdate() + datetime.timedelta(days=1)
    session = factories.SessionFactory(cohort=client.cohort, day=day)
    assert list(enrollment.roster(session)) == [client]

    client.enrollments.update(started_on=day + datetime.timedelta(days=1))
    assert list(enrollment.roster(session)) == []


def test_database_refuses_two_open_enrollments(enrolled):
    with pytest.raises(IntegrityError):
        Enrollment.objects.create(client=enrolled.client_a, cohort=enrolled.client_b.cohort, started_on=TODAY)


def test_enrollments_are_visible_only_to_those_who_see_the_client(enrolled):
    assert list(Enrollment.objects.visible_to(enrolled.clinician_2).values_list("client", flat=True)) == [
        enrolled.client_b.pk
    ]
    assert Enrollment.objects.visible_to(enrolled.admin).count() == 2
    assert list(Enrollment.objects.visible_to(enrolled.family_a).values_list("client", flat=True)) == [
        enrolled.client_a.pk
    ]


def test_expected_counts_agree_with_the_rosters(enrolled):
    cohort = enrolled.client_a.cohort
    today = timezone.localdate()
    later = factories.ClientFactory(cohort=cohort)
    factories.EnrollmentFactory(client=later, cohort=cohort, started_on=today + datetime.timedelta(days=3))
    gone = factories.ClientFactory(cohort=cohort)
    factories.EnrollmentFactory(
        client=gone,
        cohort=cohort,
        started_on=today - datetime.timedelta(weeks=6),
        ended_on=today,
        end_reason="discharge",
    )
    sessions = [factories.SessionFactory(cohort=cohort, day=today + datetime.timedelta(days=n)) for n in range(5)]

    counts = enrollment.expected_counts(sessions)

    assert counts == {pk: len(expected) for pk, expected in enrollment.rosters(sessions).items()}
    assert [counts[s.pk] for s in sessions] == [2, 1, 1, 2, 2]


def test_an_office_discharge_leaves_the_chart_with_the_cohorts_lead_when_none_was_named(enrolled, login):
    """A client added in the app has no lead clinician named; once the office ends the
    episode they have no cohort either, and the cohort's lead must still reach the
    chart to write the discharge summary and aftercare plan."""
    from django.urls import reverse

    client = enrolled.client_a
    Client.objects.filter(pk=client.pk).update(lead_clinician=None)
    client.refresh_from_db()
    cohort_lead = client.cohort.lead_clinician
    enrollment.discharge(client, timezone.localdate() - datetime.timedelta(days=1), enrolled.admin)
    client.refresh_from_db()
    assert client.lead_clinician == cohort_lead and client.cohort is None
    assert login(cohort_lead).get(reverse("clinicians:discharge", args=[client.pk])).status_code == 200
    # A lead already named keeps the chart.
    other = enrolled.client_b
    named = other.lead_clinician
    enrollment.discharge(other, timezone.localdate(), enrolled.admin)
    other.refresh_from_db()
    assert other.lead_clinician == named
