"""A client's questionnaire results as a FHIR R4 Bundle: a QuestionnaireResponse
with the answers for each administration, and an Observation with its total
(LOINC 44261-6 for the PHQ-9). Plain JSON; the tests validate it with the
fhir.resources R4B models."""

import uuid

from django.utils import timezone

from clinicians.instruments import YesNoQuestion

LOINC = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# Identifiers and resource ids are stable: exporting twice gives the same Bundle.
CHART_NUMBER_SYSTEM = "urn:iop:chart-number"
_NAMESPACE = uuid.UUID("0b5a3c52-8a65-4f7e-9a43-6f3c2f6b1d10")


def _urn(kind, pk):
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}:{pk}')}"


def client_bundle(client, administrations):
    """``administrations``: with their answers prefetched, oldest first."""
    patient_url = _urn("patient", client.pk)
    entries = [{"fullUrl": patient_url, "resource": _patient(client)}]
    for administration in administrations:
        response_url = _urn("questionnaire-response", administration.pk)
        entries.append({"fullUrl": response_url, "resource": _questionnaire_response(administration, patient_url)})
        if administration.total is not None:
            entries.append(
                {
                    "fullUrl": _urn("observation", administration.pk),
                    "resource": _total_observation(administration, patient_url, response_url),
                }
            )
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().isoformat(timespec="seconds"),
        "entry": entries,
    }


def _patient(client):
    return {
        "resourceType": "Patient",
        "identifier": [{"system": CHART_NUMBER_SYSTEM, "value": client.chart_number}],
        "name": [{"family": client.legal_last_name, "given": [client.legal_first_name]}],
        "birthDate": client.date_of_birth.isoformat(),
    }


def _questionnaire_response(administration, patient_url):
    definition = administration.definition
    answers = {answer.item_key: answer for answer in administration.answers.all()}
    questions = [*definition.items, *filter(None, [definition.difficulty]), *definition.yes_no_questions]
    items = []
    for question in questions:
        item = {"linkId": getattr(question, "loinc", None) or question.key, "text": question.text}
        answer = answers.get(question.key)
        if answer is not None:
            if isinstance(question, YesNoQuestion):
                item["answer"] = [{"valueBoolean": bool(answer.value)}]
            else:
                item["answer"] = [{"valueInteger": answer.value}]
        items.append(item)
    resource = {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": "urn:iop:administration", "value": str(administration.pk)},
        "questionnaire": f"{LOINC}/q/{definition.panel_loinc}",
        "status": "completed",
        "subject": {"reference": patient_url},
        "authored": _when(administration),
        "item": items,
    }
    if administration.entered_by_id:
        resource["author"] = {"display": administration.entered_by.display_name}
    else:
        resource["source"] = {"reference": patient_url}
    return resource


def _total_observation(administration, patient_url, response_url):
    definition = administration.definition
    observation = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": {
            "coding": [{"system": LOINC, "code": definition.total_loinc}],
            "text": f"{definition.name} total score",
        },
        "subject": {"reference": patient_url},
        "effectiveDateTime": _when(administration),
        "valueInteger": administration.total,
        "interpretation": [{"text": administration.band_label}],
        "derivedFrom": [{"reference": response_url}],
    }
    if administration.prorated:
        observation["note"] = [
            {"text": f"Prorated from {administration.answered} of {len(definition.items)} items answered."}
        ]
    return observation


def _when(administration):
    return timezone.localtime(administration.administered_at).isoformat(timespec="seconds")
