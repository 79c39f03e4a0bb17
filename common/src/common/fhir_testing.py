"""Assertions the services' FHIR tests share: a FHIR JSON answer, and the stable code of an
``OperationOutcome`` (validated with fhir.resources' R4B model)."""

from fhir.resources.R4B.operationoutcome import OperationOutcome

from common.fhir import FHIR_JSON


def fhir_answer(response, status: int = 200) -> dict:
    """The body of a FHIR answer with ``status``, served as ``application/fhir+json``."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == FHIR_JSON
    return response.json()


def outcome_code(body: dict) -> str:
    """The platform's code in a valid ``OperationOutcome``."""
    OperationOutcome.model_validate(body)
    return body["issue"][0]["details"]["coding"][0]["code"]
