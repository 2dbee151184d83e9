"""No chart form answers bad input with a 500: empty, huge, unicode, script and
SQL-looking values re-render with messages, and text is escaped when shown."""

import pytest
from django.urls import reverse

from clinicians.models import Note, SafetyPlan, TreatmentPlan
from tests import factories

pytestmark = pytest.mark.django_db

VALUES = [
    "",
    " ",
    "x" * 100_000,
    "Zoë ✓ 日本語 🙂",
    "<script>alert(1)</script>",
    "'; DROP TABLE clinicians_note; --",
    "\x00",
]


def forms_of(clinic):
    client = clinic.client_a
    plan, _ = TreatmentPlan.start_draft(client, clinic.clinician_1)
    safety, _ = SafetyPlan.start_draft(client, clinic.clinician_1)
    note = factories.NoteFactory(client=client)
    signed = factories.NoteFactory(client=client)
    signed.sign(clinic.clinician_1)
    note_fields = ["occurred_at", "duration_minutes", "mode", "participants", "content", "plan"]
    return [
        (reverse("clinicians:note_new", args=[client.pk, "family_session"]), note_fields),
        (reverse("clinicians:note_edit", args=[note.pk]), note_fields),
        (reverse("clinicians:note_addendum", args=[signed.pk]), ["text"]),
        (reverse("clinicians:plan_edit", args=[plan.pk]), ["problems", "goal", "other_problem", "discharge_criteria"]),
        (reverse("clinicians:plan_sign", args=[plan.pk]), ["copied_text_reason"]),
        (reverse("clinicians:safety_plan_edit", args=[safety.pk]), list(SafetyPlan.copied_fields)),
        (
            reverse("clinicians:report_new", args=[client.pk]),
            ["variant", "period_start", "period_end", "language", "summary", "diagnosis", "presentation"],
        ),
        (
            reverse("clinicians:discharge", args=[client.pk]),
            ["discharged_on", "reason", "aftercare_plan", "follow_up_on", "follow_up_time", "follow_up_where"],
        ),
    ]


@pytest.mark.parametrize("value", VALUES, ids=["empty", "blank", "huge", "unicode", "script", "sql", "nul"])
def test_chart_forms_survive_bad_input(clinic, login, value):
    http = login(clinic.clinician_1)
    for url, fields in forms_of(clinic):
        response = http.post(url, {name: value for name in fields})
        assert response.status_code < 500, url
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert Note.objects.count() == 2


def test_note_text_is_escaped_on_the_page(clinic, login):
    note = factories.NoteFactory(client=clinic.client_a, content="<script>alert(1)</script> and <b>bold</b>")
    page = login(clinic.clinician_1).get(reverse("clinicians:note", args=[note.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page
