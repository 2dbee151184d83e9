"""What the audit review page works out once rather than per row or per request
shows exactly what it showed before: the event select's markup, the table's
display strings, the event labels in each language, and the two emergency lists."""

import datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

from iop import audit, audit_review, emergency
from iop.audit_forms import AuditFilterForm
from iop.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("data", [None, {"event": "login"}, {"event": ""}, {"event": "no_such_event"}])
def test_event_select_renders_as_the_stock_select(language, data):
    with translation.override(language):
        form = AuditFilterForm(data)
        form.is_valid()
        ours = str(form["event"])
        form.fields["event"].widget = forms.Select(choices=form.fields["event"].choices)
        assert ours == str(form["event"])


def test_event_choices_are_sorted_by_label_in_the_active_language():
    for language in ("en", "es", "en"):
        with translation.override(language):
            expected = sorted(((name, str(label)) for name, label in audit.Event.choices), key=lambda c: c[1])
            assert list(audit.event_choices()) == expected
            assert audit.label("other") == str(audit.Event.OTHER.label)
    assert audit.label("retired_event") == "retired_event"


def test_event_filter_still_refuses_a_name_outside_the_catalogue():
    assert not AuditFilterForm({"event": "no_such_event"}).is_valid()
    assert AuditFilterForm({"event": "view_chart"}).is_valid()


def test_rows_carry_the_strings_the_table_shows(clinic):
    medication = factories.MedicationFactory(client=clinic.client_a, name="Sertraline")
    audit.record("add_medication", medication, actor=clinic.clinician_1)
    audit.record("login_failed", clinic.clinician_2, outcome="refused")
    rows = audit_review.page(audit_review.filtered()).entries
    refused, added = rows[0], rows[1]
    assert (refused.refused, refused.outcome_label, refused.who, refused.emergency) == (True, "Refused", "—", False)
    assert refused.client is None and refused.address == "—"
    assert added.when == timezone.localtime(added.timestamp).strftime("%Y-%m-%d %H:%M:%S")
    assert (added.who, added.role, added.label) == (clinic.clinician_1.email, "clinician", "Added a medication")
    assert added.record == f"Medication #{medication.pk}"
    assert added.client_url == reverse("client_access_history", args=[clinic.client_a.pk])
    assert (added.client_name, added.client_chart) == (clinic.client_a.display_name, clinic.client_a.chart_number)
    assert added.event == "add_medication" and added.client_id == clinic.client_a.pk


def test_emergency_lists_for_review_read_in_one_query(clinic, django_assert_num_queries, time_machine):
    admin = clinic.admin
    grants = []
    for _ in range(13):
        time_machine.move_to(timezone.now() + datetime.timedelta(hours=1))
        grants.append(factories.emergency_grant(clinic.client_a, clinic.clinician_2))
    for grant in grants[:11]:
        time_machine.move_to(timezone.now() + datetime.timedelta(minutes=5))
        emergency.mark_reviewed(grant, admin)
    with django_assert_num_queries(1):
        awaiting, reviewed = emergency.for_review()
        names = [(g.client.chart_number, g.grantee.email, g.reviewed_by and g.reviewed_by.email) for g in reviewed]
    assert awaiting == grants[11:]
    assert reviewed == grants[10::-1][:10]
    assert names[0] == (clinic.client_a.chart_number, clinic.clinician_2.email, admin.email)


def test_a_chart_view_says_which_tab_was_read(clinic, login):
    clinician = login(clinic.clinician_1)
    clinician.get(reverse("clinicians:chart", args=[clinic.client_a.pk]))
    clinician.get(reverse("clinicians:chart_section", args=[clinic.client_a.pk, "safety-plan"]))
    page = login(clinic.admin).get(reverse("audit_log"), {"event": "view_chart"}).content.decode()
    assert "Viewed a chart (Notes)" in page and "Viewed a chart (Safety plan)" in page


def test_the_page_still_audits_its_view_with_the_filters(clinic, login):
    login(clinic.admin).get(reverse("audit_log"), {"event": "view_chart", "outcome": "allowed"})
    entry = AuditEntry.objects.filter(event="view_audit").latest("pk")
    assert entry.actor == clinic.admin
    assert entry.additional_data["filters"] == {"event": "view_chart", "outcome": "allowed"}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("data", [None, {"before": "12"}, {"event": "", "user": ""}, {"event": "login"}, {"user": "x"}])
def test_filter_form_markup_is_what_the_crispy_tag_renders(language, data, clinic):
    from django.template import engines

    tag = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
    with translation.override(language):
        for _ in range(2):  # the second time a blank form's markup comes from the per-language copy
            form = AuditFilterForm(data)
            form.is_valid()
            assert form.html() == tag.render({"form": form})


def test_a_role_change_shows_what_it_was_and_what_it_became(clinic, login):
    person = clinic.clinician_2
    before = person.credential
    person.credential = "LMFT" if before != "LMFT" else "LPC"
    person.save()
    page = login(clinic.admin).get(reverse("audit_log"), {"event": "role_change"}).content.decode()
    assert f"Credential: {before or '—'} → {person.credential}" in page
