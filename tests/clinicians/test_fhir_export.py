"""FHIR R4 export of a client's results, validated with fhir.resources (R4B)."""

import json

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from clinicians.instruments import PHQ9, PHQA
from iop.models import AuditEntry
from tests.factories import AdministrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(clinic, login):
    phq9 = {item.key: 1 for item in PHQ9.items[:8]} | {"phq9_9": 0, "phq9_difficulty": 1}
    AdministrationFactory(client=clinic.client_a, answers=phq9)
    phqa = {item.key: 2 for item in PHQA.items[:7]} | {"phqa_depressed_past_year": True}
    AdministrationFactory(client=clinic.client_a, instrument="phqa", answers=phqa)
    response = login(clinic.clinician_1).get(reverse("clinicians:export_fhir", args=[clinic.client_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    return json.loads(response.content)


def resources(bundle, kind):
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]


def test_export_is_a_valid_r4_bundle(exported):
    bundle = Bundle.model_validate(exported)
    assert bundle.type == "collection"
    for resource in resources(exported, "QuestionnaireResponse"):
        QuestionnaireResponse.model_validate(resource)
    for resource in resources(exported, "Observation"):
        Observation.model_validate(resource)


def test_phq9_total_is_an_observation_coded_44261_6_derived_from_the_answers(exported):
    observation = next(o for o in resources(exported, "Observation") if o["code"]["text"] == "PHQ-9 total score")
    assert observation["code"]["coding"] == [{"system": "http://loinc.org", "code": "44261-6"}]
    assert observation["valueInteger"] == 8
    assert observation["interpretation"][0]["text"] == "Mild"
    response_urls = {
        e["fullUrl"] for e in exported["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"
    }
    assert observation["derivedFrom"][0]["reference"] in response_urls


def test_phq9_answers_carry_their_loinc_item_codes(exported):
    response = next(r for r in resources(exported, "QuestionnaireResponse") if r["questionnaire"].endswith("44249-1"))
    by_link = {item["linkId"]: item for item in response["item"]}
    assert by_link["44260-8"]["answer"] == [{"valueInteger": 0}]  # item 9
    assert by_link["44250-9"]["answer"] == [{"valueInteger": 1}]
    assert by_link["69722-7"]["answer"] == [{"valueInteger": 1}]  # difficulty, recorded
    assert "44261-6" not in by_link and "44249-1" not in by_link
    assert response["author"]["display"]


def test_phqa_export_is_prorated_with_teen_keys_and_yes_no_booleans(exported):
    response = next(r for r in resources(exported, "QuestionnaireResponse") if r["questionnaire"].endswith("89206-7"))
    by_link = {item["linkId"]: item for item in response["item"]}
    assert by_link["phqa_1"]["answer"] == [{"valueInteger": 2}]
    assert "answer" not in by_link["phqa_9"]
    assert by_link["phqa_depressed_past_year"]["answer"] == [{"valueBoolean": True}]
    observation = next(o for o in resources(exported, "Observation") if o["code"]["coding"][0]["code"] == "89204-2")
    assert observation["valueInteger"] == 18  # 14 x 9 / 7
    assert "Prorated" in observation["note"][0]["text"]


def test_export_is_audited(clinic, exported):
    entry = AuditEntry.objects.get(event="export_fhir")
    assert (entry.actor, entry.client_id) == (clinic.clinician_1, clinic.client_a.pk)
