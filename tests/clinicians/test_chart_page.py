"""The chart page: its header and sections, its audit entry, and a pinned query count."""

import pytest
from django.urls import reverse

from clinicians.models import PlanAcknowledgement
from iop.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def test_chart_shows_header_sections_and_family_contacts(clinic, chart, login):
    page = login(clinic.clinician_1).get(reverse("clinicians:chart", args=[clinic.client_a.pk])).content.decode()
    client = clinic.client_a
    assert client.first_name in page and str(client.cohort) in page
    assert f"Week {client.week_of_stay()} of stay" in page
    assert 'id="chart-alerts"' in page
    for section in ("plan", "notes", "measures", "attendance", "family", "medications", "safety-plan", "reports"):
        assert f'id="{section}"' in page
    assert chart.signed_plan.goal in page
    assert clinic.family_a.get_full_name() in page and "holds legal authority" in page
    assert chart.medication.name in page


def test_chart_view_is_audited_for_the_client(clinic, login):
    login(clinic.clinician_1).get(reverse("clinicians:chart", args=[clinic.client_a.pk]))
    entry = AuditEntry.objects.get(event="view_chart")
    assert entry.client_id == clinic.client_a.pk and entry.actor == clinic.clinician_1


def test_chart_query_count_does_not_grow_with_the_record(clinic, chart, login, django_assert_max_num_queries):
    client = clinic.client_a
    for _ in range(15):
        note = factories.NoteFactory(client=client)
        note.sign(clinic.clinician_1)
        note.add_addendum(clinic.clinician_1, "Later.")
        factories.NoteFactory(client=client, kind="family_session", participants="Client, mother")
        factories.MedicationFactory(client=client)
        factories.FamilyLinkFactory(client=client)
    http = login(clinic.clinician_1)
    url = reverse("clinicians:chart", args=[client.pk])
    # One query per section (group evenings and reports included) plus the audit
    # chain head's lock and update: a fixed number, whatever the record holds.
    with django_assert_max_num_queries(33):
        response = http.get(url)
    assert response.status_code == 200


def test_chart_header_shows_the_open_safety_alert_and_measures_show_the_last_score(clinic, login):
    from clinicians.models import SafetyAlert

    factories.AdministrationFactory(client=clinic.client_a, answers={f"phq9_{n}": 1 for n in range(1, 10)})
    alert = SafetyAlert.objects.get(client=clinic.client_a)
    page = login(clinic.clinician_1).get(reverse("clinicians:chart", args=[clinic.client_a.pk])).content.decode()
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

    page = login(clinic.clinician_1).get(reverse("clinicians:chart", args=[client.pk])).content.decode()
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
    page = login(clinic.clinician_1).get(reverse("clinicians:chart", args=[clinic.client_a.pk])).content.decode()
    assert current.objectives.get().text in page
    assert str(current.interventions.get().responsible) in page
    assert clinic.family_a.get_full_name() in page.split('id="plan"')[1].split("</section>")[0]
    assert earlier.objectives.get().text not in page
    assert clinic.family_b.get_full_name() not in page.split('id="plan"')[1].split("</section>")[0]
    assert reverse("clinicians:plan_edit", args=[draft.pk]) in page
