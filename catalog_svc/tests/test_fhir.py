"""FHIR R4 Medication: every answer parses and validates with fhir.resources' R4B models."""

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.medication import Medication

from common.demo import ST_MARYS_HOSPITAL
from common.fhir_testing import fhir_answer, outcome_code
from common.testing import integration_token
from tests.factories import DrugFactory

BASE = "/api/catalog/fhir"


@pytest.fixture
def oxycodone(db):
    return DrugFactory(
        ndc="0406-0552-01",
        name="Oxycodone HCl 5 mg/5 mL Oral Solution",
        generic_name="oxycodone hydrochloride",
        strength="5 mg/5 mL",
        dosage_form="oral solution",
        schedule="CII",
        pack_size=500,
        unit="mL",
    )


@pytest.mark.django_db
def test_a_drug_reads_as_a_valid_medication(hospital, oxycodone):
    body = fhir_answer(hospital.get(f"{BASE}/Medication/{oxycodone.pk}"))
    medication = Medication.model_validate(body)
    assert medication.id == str(oxycodone.pk)
    codings = {c.system: c.code for c in medication.code.coding}
    assert codings["http://hl7.org/fhir/sid/ndc"] == "0406-0552-01"
    assert codings["https://www.gs1.org/gtin"] == oxycodone.gtin
    assert medication.form.text == "oral solution"
    strength = medication.ingredient[0].strength
    assert (float(strength.numerator.value), strength.numerator.code) == (5.0, "mg")
    assert (float(strength.denominator.value), strength.denominator.code) == (5.0, "mL")
    schedule = medication.extension[0].valueCodeableConcept.coding
    assert [c.code for c in schedule] == ["CII", "C48675"]


@pytest.mark.django_db
def test_an_unscheduled_tablet_has_a_per_tablet_strength_and_no_schedule(hospital, drug):
    body = fhir_answer(hospital.get(f"{BASE}/Medication/{drug.pk}", HTTP_ACCEPT="application/json"))
    medication = Medication.model_validate(body)
    assert medication.extension is None
    assert medication.ingredient[0].strength.denominator.unit == "tablet"
    assert float(medication.amount.numerator.value) == drug.pack_size


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code",
    [
        "0406-0552-01",
        "00406055201",
        "http://hl7.org/fhir/sid/ndc|0406-0552-01",
        "GTIN",
        "https://www.gs1.org/gtin|GTIN",
    ],
)
def test_medications_are_found_by_ndc_or_gtin(hospital, oxycodone, drug, code):
    code = code.replace("GTIN", oxycodone.gtin)
    bundle = Bundle.model_validate(fhir_answer(hospital.get(f"{BASE}/Medication", {"code": code})))
    assert bundle.type == "searchset" and bundle.total == 1
    assert bundle.entry[0].resource.id == str(oxycodone.pk)
    assert bundle.entry[0].fullUrl.endswith(f"/Medication/{oxycodone.pk}")


@pytest.mark.django_db
def test_a_search_with_no_match_is_an_empty_bundle(hospital, drug):
    body = fhir_answer(hospital.get(f"{BASE}/Medication", {"code": "9999-9999-99"}))
    assert Bundle.model_validate(body).total == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("Medication/999999", {}, 404, "not_found"),
        ("Medication", {}, 400, "code_required"),
        ("Medication", {"code": "00300935558294"}, 400, "bad_check_digit"),
        ("Medication", {"code": "aspirin"}, 400, "invalid_code"),
        ("Patient/1", {}, 404, "not_supported"),
    ],
)
def test_errors_are_operation_outcomes_with_a_stable_code(hospital, path, params, status, code):
    body = fhir_answer(hospital.get(f"{BASE}/{path}", params), status)
    assert outcome_code(body) == code


@pytest.mark.django_db
def test_without_a_token_the_outcome_says_login(api_client, drug):
    response = api_client().get(f"{BASE}/Medication/{drug.pk}")
    body = fhir_answer(response, 401)
    assert body["issue"][0]["code"] == "login"
    assert outcome_code(body) == "not_authenticated"


@pytest.mark.django_db
def test_an_integration_needs_catalog_read(api_client, drug):
    erp = integration_token(role="hospital", org=ST_MARYS_HOSPITAL, scope="catalog:read")
    fhir_answer(api_client(erp).get(f"{BASE}/Medication/{drug.pk}"))
    other = integration_token(role="hospital", org=ST_MARYS_HOSPITAL, scope="orders:read")
    body = fhir_answer(api_client(other).get(f"{BASE}/Medication/{drug.pk}"), 403)
    assert outcome_code(body) == "insufficient_scope"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/metadata"])
def test_the_base_publishes_a_capability_statement(api_client, path):
    body = fhir_answer(api_client().get(f"{BASE}{path}"))
    statement = CapabilityStatement.model_validate(body)
    assert statement.fhirVersion == "4.3.0"
    served = {r.type: r for r in statement.rest[0].resource}
    assert set(served) == {"Medication"}
    assert [p.name for p in served["Medication"].searchParam] == ["code"]
