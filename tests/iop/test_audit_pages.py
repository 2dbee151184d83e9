"""The audit review page and a client's access history: who may read them,
what the filters find, keyset pages, the CSV export, and what they never show."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from iop import audit
from iop.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def privacy_officer(clinic):
    return factories.ClinicianFactory(is_privacy_officer=True)


def rows_of(response):
    return response.context["page"].entries


def test_clinician_without_the_privacy_permission_gets_403(clinic, login):
    assert login(clinic.clinician_1).get(reverse("audit_log")).status_code == 403


def test_privacy_officer_clinician_reviews_the_trail_and_any_clients_history(clinic, login, privacy_officer):
    browser = login(privacy_officer)
    assert browser.get(reverse("audit_log")).status_code == 200
    assert browser.get(reverse("client_access_history", args=[clinic.client_b.pk])).status_code == 200


def test_family_member_flagged_by_mistake_still_gets_404(clinic, login):
    clinic.family_a.is_privacy_officer = True
    clinic.family_a.save()
    assert login(clinic.family_a).get(reverse("audit_log")).status_code == 404


def test_filters_by_user_client_action_and_outcome(clinic, login):
    audit.record("view_chart", clinic.client_a, actor=clinic.clinician_1)
    audit.record("view_chart", clinic.client_b, actor=clinic.clinician_2)
    audit.record("view_profile", clinic.client_a, actor=clinic.admin)
    audit.record("login_failed", clinic.clinician_2, outcome="refused")
    browser = login(clinic.admin)

    def found(**query):
        return [(row.event, row.client_id) for row in rows_of(browser.get(reverse("audit_log"), query))]

    assert found(user=clinic.clinician_1.email.upper()) == [("view_chart", clinic.client_a.pk)]
    assert found(client=clinic.client_a.chart_number, outcome="allowed")[:2] == [
        ("view_profile", clinic.client_a.pk),
        ("view_chart", clinic.client_a.pk),
    ]
    assert found(event="view_chart", client=clinic.client_b.chart_number) == [("view_chart", clinic.client_b.pk)]
    assert found(outcome="refused") == [("login_failed", None)]


def test_date_range_is_inclusive_local_days(clinic, login, time_machine):
    # Entries are never dated before the last one, so the test travels forward.
    days = [timezone.localdate() + datetime.timedelta(days=d) for d in (30, 31, 32)]
    for day in days:
        time_machine.move_to(timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 30))))
        audit.record("view_chart", clinic.client_a, day=str(day))
    browser = login(clinic.admin)
    middle, after = str(days[1]), str(days[2] + datetime.timedelta(days=1))
    response = browser.get(reverse("audit_log"), {"event": "view_chart", "date_from": middle, "date_to": middle})
    assert [row.additional_data["day"] for row in rows_of(response)] == [middle]
    response = browser.get(reverse("audit_log"), {"event": "view_chart", "date_from": after})
    assert rows_of(response) == []


def test_unknown_user_or_client_says_so_and_lists_nothing(clinic, login):
    audit.record("view_chart", clinic.client_a)
    response = login(clinic.admin).get(reverse("audit_log"), {"user": "nobody@example.org", "client": "X-0"})
    page = response.content.decode()
    assert "No account has that email address." in page and "No client has that chart number." in page
    assert 'value="nobody@example.org"' in page
    assert rows_of(response) == []


def test_keyset_pages_walk_the_trail_newest_first_without_counting(clinic, login, django_assert_max_num_queries):
    for n in range(120):
        audit.record("view_chart", clinic.client_a, n=n)
    browser = login(clinic.admin)
    with django_assert_max_num_queries(20):
        first = browser.get(reverse("audit_log"), {"event": "view_chart"})
    numbers = [row.additional_data["n"] for row in rows_of(first)]
    assert numbers == list(range(119, 69, -1))
    older = first.context["page"].older
    second = browser.get(reverse("audit_log"), {"event": "view_chart", "before": older})
    assert [row.additional_data["n"] for row in rows_of(second)] == list(range(69, 19, -1))
    third = browser.get(reverse("audit_log"), {"event": "view_chart", "before": second.context["page"].older})
    assert [row.additional_data["n"] for row in rows_of(third)] == list(range(19, -1, -1))
    assert third.context["page"].older is None
    back = browser.get(reverse("audit_log"), {"event": "view_chart", "after": third.context["page"].newer})
    assert [row.additional_data["n"] for row in rows_of(back)] == list(range(69, 19, -1))
    assert f"before={older}" in first.content.decode()


def test_csv_export_streams_the_filtered_view_and_is_itself_audited(clinic, login):
    audit.record("view_chart", clinic.client_a, actor=clinic.clinician_1)
    audit.record("view_chart", clinic.client_b, actor=clinic.clinician_2)
    query = {"client": clinic.client_a.chart_number, "event": "view_chart"}
    response = login(clinic.admin).get(reverse("audit_export"), query)
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["entry", "time (UTC)", "event", "what happened"]
    assert [(r[2], r[8]) for r in rows[1:]] == [("view_chart", clinic.client_a.chart_number)]
    export = AuditEntry.objects.get(event="export_audit_csv")
    assert export.actor == clinic.admin and export.additional_data["filters"] == query


def test_csv_export_cannot_carry_a_spreadsheet_formula(clinic, login):
    """A family member named ``=HYPERLINK(...)`` is text in the export, not a formula."""
    member = clinic.family_a
    member.first_name, member.last_name = '=HYPERLINK("http://x","y")', "+1"
    member.save()
    audit.record("role_change", member, actor=clinic.admin)
    response = login(clinic.admin).get(reverse("audit_export"), {"event": "role_change"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)


def test_clinical_records_are_named_by_type_and_number_only(clinic, login):
    medication = factories.MedicationFactory(client=clinic.client_a, name="Sertraline")
    audit.record("add_medication", medication)
    page = login(clinic.admin).get(reverse("audit_log")).content.decode()
    assert "Sertraline" not in page
    assert f"Medication #{medication.pk}" in page


def test_access_history_is_for_the_lead_clinician_not_the_co_facilitator(clinic, login):
    colleague = factories.ClinicianFactory()
    clinic.client_a.cohort.co_facilitators.add(colleague)
    url = reverse("client_access_history", args=[clinic.client_a.pk])
    assert login(colleague).get(url).status_code == 403
    assert login(clinic.clinician_1).get(url).status_code == 200


def test_access_history_lists_every_access_in_the_period_by_person(clinic, login, time_machine):
    audit.record("view_chart", clinic.client_a, actor=clinic.clinician_2)  # before the default year
    time_machine.move_to(timezone.now() + datetime.timedelta(days=400))
    audit.record("view_chart", clinic.client_a, actor=clinic.clinician_1)
    audit.record("view_note", clinic.client_a, actor=clinic.clinician_1)
    audit.record("family_view", clinic.client_a, actor=clinic.family_a)
    audit.record("view_chart", clinic.client_b, actor=clinic.clinician_2)  # another client
    response = login(clinic.admin).get(reverse("client_access_history", args=[clinic.client_a.pk]))
    people = {p["actor_email"]: p["count"] for p in response.context["summary"] if p["actor_email"]}
    assert people == {clinic.clinician_1.email: 2, clinic.family_a.email: 1}
    page = response.content.decode()
    assert "data-print" in page and clinic.client_a.chart_number in page
    assert AuditEntry.objects.filter(event="view_access_history", client_id=clinic.client_a.pk).count() == 1
    everything = login(clinic.admin).get(
        reverse("client_access_history", args=[clinic.client_a.pk]), {"date_from": "2000-01-01"}
    )
    assert clinic.clinician_2.email in {p["actor_email"] for p in everything.context["summary"]}


def test_audit_page_escapes_what_it_shows(clinic, login):
    audit.record("view_chart", clinic.client_a, actor=clinic.clinician_1)
    clinic.client_a.preferred_name = "<script>alert(1)</script>"
    clinic.client_a.save()
    page = login(clinic.admin).get(reverse("audit_log")).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_review_pages_cost_the_same_queries_for_few_or_many_entries(clinic, login, privacy_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    emergency = factories.emergency_grant(clinic.client_a, clinic.clinician_2)
    browser = login(privacy_officer)
    pages = [reverse("audit_log"), reverse("client_access_history", args=[clinic.client_a.pk])]

    def queries():
        counts = []
        for url in pages:
            with CaptureQueriesContext(connection) as captured:
                assert browser.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    few = queries()
    for n in range(40):
        actor = (clinic.clinician_1, clinic.family_a, clinic.admin, emergency.grantee)[n % 4]
        audit.record("view_chart", (clinic.client_a, clinic.client_b)[n % 2], actor=actor)
    assert queries() == few
    assert max(few) <= 20


def test_audit_times_say_which_clock_they_are_on(clinic, login):
    audit.record("view_chart", clinic.client_a, actor=clinic.clinician_1)
    page = login(clinic.admin).get(reverse("audit_log")).content.decode()
    assert "(clinic time, America/New_York)" in page
