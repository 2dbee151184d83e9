"""The demo charts: a signed plan for every admitted client in their own words,
signed notes, one overdue draft for the demo clinician, and idempotent seeding."""

import pytest
from django.core.management import call_command

from clinicians.guardrails import copied_texts
from clinicians.models import Discharge, Medication, Note, PlanAcknowledgement, SafetyPlan, TreatmentPlan
from clinicians.signing import unsigned_overdue
from iop.models import Client, User

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (TreatmentPlan, Note, PlanAcknowledgement, SafetyPlan, Medication, Discharge)
    }


def test_demo_charts_seed_twice_to_the_same_clinic():
    call_command("seed_demo", verbosity=0)
    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first


def test_every_admitted_client_has_a_signed_plan_in_their_own_words():
    call_command("seed_demo", verbosity=0)
    for client in Client.objects.filter(status=Client.Status.ADMITTED):
        plan = TreatmentPlan.objects.signed().get(client=client)
        assert plan.goal and not plan.missing_before_signing()
        assert copied_texts(plan) == [], client
        assert plan.acknowledgements.filter(party="client").exists()


def test_demo_notes_are_signed_except_one_overdue_draft_for_the_demo_clinician():
    call_command("seed_demo", verbosity=0)
    clinician = User.objects.get(email="clinician@demo.clinic")
    assert Note.objects.drafts().count() == 1
    assert len(unsigned_overdue(clinician)) == 1
    for client in Client.objects.filter(status=Client.Status.ADMITTED).exclude(admitted_on__gt="2100-01-01"):
        if client.week_of_stay() > 2:
            assert client.notes.filter(kind="family_session").signed().exists(), client
    assert SafetyPlan.objects.signed().filter(client__chart_number="T-1004").exists()
    assert Medication.objects.values("client").distinct().count() >= 3
