"""The chart page: its header and sections, its audit entry, and a pinned query count."""

import pytest
from django.urls import reverse

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
        factories.ProgressReportFactory(client=client)
    http = login(clinic.clinician_1)
    url = reverse("clinicians:chart", args=[client.pk])
    with django_assert_max_num_queries(31):
        response = http.get(url)
    assert response.status_code == 200


def test_chart_header_shows_the_open_safety_alert_and_measures_show_the_last_score(clinic, login):
    from clinicians.models import SafetyAlert

    factories.AdministrationFactory(client=clinic.client_a, answers={f"phq9_{n}": 1 for n in range(1, 10)})
    alert = SafetyAlert.objects.get(client=clinic.client_a)
    page = login(clinic.clinician_1).get(reverse("clinicians:chart", args=[clinic.client_a.pk])).content.decode()
    assert "Open safety alert" in page and reverse("clinicians:alert", args=[alert.pk]) in page
    assert "9 · Mild" in page
