"""FHIR R4 MedicationRequest: a verified prescription, for its patient and its pharmacy's
pharmacists only; every answer validates with fhir.resources' R4B models."""

from datetime import date, timedelta

import pytest
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.medicationrequest import MedicationRequest

from common.fhir_testing import fhir_answer, outcome_code
from common.testing import integration_token
from prescriptions.models import Prescription
from tests.conftest import PATIENT_ID, PHARMACY
from tests.factories import PrescriptionFactory

BASE = "/api/rx/fhir"


@pytest.fixture
def verified(db):
    return PrescriptionFactory(verified=True, refills=2, fills_remaining=3)


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["patient", "pharmacist"])
def test_a_verified_prescription_reads_as_an_active_medication_request(request, reader, verified):
    client = request.getfixturevalue(reader)
    body = fhir_answer(client.get(f"{BASE}/MedicationRequest/{verified.pk}"))
    resource = MedicationRequest.model_validate(body)
    assert (resource.status, resource.intent) == ("active", "order")
    coding = resource.medicationCodeableConcept.coding[0]
    assert (coding.system, coding.code) == ("http://hl7.org/fhir/sid/ndc", "0093-0001-01")
    assert resource.subject.identifier.value == PATIENT_ID
    assert resource.requester.display == "Dr. Gregory House"
    dispense = resource.dispenseRequest
    assert dispense.numberOfRepeatsAllowed == 2 and float(dispense.quantity.value) == 2
    assert dispense.validityPeriod.end.isoformat() == verified.valid_until.isoformat()
    assert dispense.performer.identifier.value == str(PHARMACY)


@pytest.mark.django_db
def test_a_prescription_past_its_validity_is_stopped(patient):
    lapsed = PrescriptionFactory(verified=True, valid_until=date.today() - timedelta(days=1))
    body = fhir_answer(patient.get(f"{BASE}/MedicationRequest/{lapsed.pk}"))
    resource = MedicationRequest.model_validate(body)
    assert resource.status == "stopped" and resource.statusReason.text


@pytest.mark.django_db
def test_a_used_up_prescription_is_completed(patient):
    used = PrescriptionFactory(verified=True, status=Prescription.Status.USED_UP)
    body = fhir_answer(patient.get(f"{BASE}/MedicationRequest/{used.pk}"))
    assert MedicationRequest.model_validate(body).status == "completed"


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["other_patient", "rival_pharmacist"])
def test_anyone_else_finds_nothing(request, reader, verified):
    client = request.getfixturevalue(reader)
    body = fhir_answer(client.get(f"{BASE}/MedicationRequest/{verified.pk}"), 404)
    assert outcome_code(body) == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("trait", [{}, {"in_review": True}])
def test_a_prescription_not_yet_verified_is_no_request(patient, trait):
    waiting = PrescriptionFactory(**trait)
    body = fhir_answer(patient.get(f"{BASE}/MedicationRequest/{waiting.pk}"), 404)
    assert outcome_code(body) == "not_verified"


@pytest.mark.django_db
def test_other_roles_are_refused_with_an_outcome(api_client, verified):
    erp = integration_token(role="hospital", org=2, scope="rx:read")
    body = fhir_answer(api_client(erp).get(f"{BASE}/MedicationRequest/{verified.pk}"), 403)
    assert outcome_code(body) == "permission_denied"
    assert body["issue"][0]["code"] == "forbidden"


@pytest.mark.django_db
def test_the_base_publishes_a_capability_statement(api_client):
    statement = CapabilityStatement.model_validate(
        fhir_answer(api_client().get(f"{BASE}/metadata"))
    )
    assert [r.type for r in statement.rest[0].resource] == ["MedicationRequest"]
    assert [i.code for i in statement.rest[0].resource[0].interaction] == ["read"]
