"""A chart for client_a (Teens, clinician_1): a signed plan, a draft plan, a
signed and a draft note, a signed and a draft safety plan, a medication."""

from dataclasses import dataclass

import pytest

from clinicians.models import Medication, Note, SafetyPlan, TreatmentPlan
from tests import factories

SECRET = "confidential detail"  # every note's content contains this


@dataclass
class Chart:
    signed_plan: TreatmentPlan
    draft_plan: TreatmentPlan
    signed_note: Note
    draft_note: Note
    signed_safety_plan: SafetyPlan
    draft_safety_plan: SafetyPlan
    medication: Medication


@pytest.fixture
def chart(clinic):
    client = clinic.client_a
    signed_plan = factories.signed_plan(client)
    draft_plan, _ = TreatmentPlan.start_draft(client, clinic.clinician_1)
    signed_note = factories.NoteFactory(client=client)
    signed_note.sign(clinic.clinician_1)
    draft_note = factories.NoteFactory(client=client)
    signed_safety_plan = factories.SafetyPlanFactory(client=client)
    signed_safety_plan.sign(clinic.clinician_1)
    draft_safety_plan, _ = SafetyPlan.start_draft(client, clinic.clinician_1)
    return Chart(
        signed_plan=signed_plan,
        draft_plan=draft_plan,
        signed_note=signed_note,
        draft_note=draft_note,
        signed_safety_plan=signed_safety_plan,
        draft_safety_plan=draft_safety_plan,
        medication=factories.MedicationFactory(client=client),
    )
