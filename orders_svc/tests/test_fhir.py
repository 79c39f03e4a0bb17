"""FHIR R4 SupplyRequest and SupplyDelivery for a hospital's orders; every answer validates
with fhir.resources' R4B models."""

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.supplydelivery import SupplyDelivery
from fhir.resources.R4B.supplyrequest import SupplyRequest

from common.fhir_testing import fhir_answer, outcome_code
from common.testing import mint_token

pytestmark = pytest.mark.django_db
ORDERS, BASE = "/api/orders/", "/api/orders/fhir"


@pytest.fixture
def order(confirmed):
    return confirmed


@pytest.fixture
def rival(api_client):
    return api_client(mint_token(role="hospital", sub="99", org=3, org_type="hospital"))


def test_each_line_of_a_confirmed_order_is_an_active_supply_request(hospital, order):
    body = fhir_answer(hospital.get(f"{BASE}/SupplyRequest/{order['id']}-1"))
    request = SupplyRequest.model_validate(body)
    assert (request.status, float(request.quantity.value)) == ("active", 4)
    coding = request.itemCodeableConcept.coding[0]
    assert (coding.system, coding.code) == ("http://hl7.org/fhir/sid/ndc", "12345-0001-01")
    assert request.requester.identifier.value == "2"
    assert request.supplier[0].identifier.value == "1"
    assert request.identifier[0].value == f"{order['number']}/1"


def test_a_search_by_order_number_is_a_bundle_of_its_lines(hospital, order):
    body = fhir_answer(hospital.get(f"{BASE}/SupplyRequest", {"identifier": order["number"]}))
    bundle = Bundle.model_validate(body)
    assert bundle.total == 2
    assert [e.resource.id for e in bundle.entry] == [f"{order['id']}-1", f"{order['id']}-2"]
    assert (
        Bundle.model_validate(
            fhir_answer(hospital.get(f"{BASE}/SupplyRequest", {"status": "completed"}))
        ).total
        == 0
    )


def test_no_delivery_before_shipment(hospital, order):
    body = fhir_answer(hospital.get(f"{BASE}/SupplyDelivery/{order['id']}-1"), 404)
    assert outcome_code(body) == "not_found"


def test_shipped_then_delivered_lines_are_supply_deliveries(hospital, distributor, order):
    assert distributor.post(f"{ORDERS}{order['id']}/ship/", {}, format="json").status_code == 200
    shipped = SupplyDelivery.model_validate(
        fhir_answer(hospital.get(f"{BASE}/SupplyDelivery/{order['id']}-1"))
    )
    assert shipped.status == "in-progress" and shipped.basedOn[0].reference.endswith("-1")
    assert float(shipped.suppliedItem.quantity.value) == 4
    assert shipped.suppliedItem.extension[0].valueString == "L1 (exp 2028-01-31)"
    received = [
        {"line": 1, "accepted": 3, "rejected": 1, "reason": "damaged"},
        {"line": 2, "accepted": 1, "rejected": 0, "reason": ""},
    ]
    delivered = hospital.post(
        f"{ORDERS}{order['id']}/deliver/", {"received": received}, format="json"
    )
    assert delivered.status_code == 200, delivered.content
    body = fhir_answer(hospital.get(f"{BASE}/SupplyDelivery", {"identifier": order["number"]}))
    bundle = Bundle.model_validate(body)
    first = bundle.entry[0].resource
    assert first.status == "completed" and float(first.suppliedItem.quantity.value) == 3
    assert first.occurrencePeriod.end is not None
    assert (
        SupplyRequest.model_validate(
            fhir_answer(distributor.get(f"{BASE}/SupplyRequest/{order['id']}-2"))
        ).status
        == "completed"
    )


@pytest.mark.parametrize("resource_id", ["{id}-1", "{id}-9", "nonsense", "{id}"])
def test_another_hospital_or_a_wrong_id_finds_nothing(rival, hospital, order, resource_id):
    client = rival if resource_id == "{id}-1" else hospital
    path = f"{BASE}/SupplyRequest/{resource_id.format(id=order['id'])}"
    assert outcome_code(fhir_answer(client.get(path), 404)) == "not_found"
    assert Bundle.model_validate(fhir_answer(rival.get(f"{BASE}/SupplyRequest"))).total == 0


def test_patients_are_refused_with_an_outcome(patient, order):
    body = fhir_answer(patient.get(f"{BASE}/SupplyRequest"), 403)
    assert outcome_code(body) == "permission_denied"


def test_the_base_publishes_a_capability_statement(api_client):
    statement = CapabilityStatement.model_validate(
        fhir_answer(api_client().get(f"{BASE}/metadata"))
    )
    served = {r.type: [p.name for p in r.searchParam] for r in statement.rest[0].resource}
    assert served == {
        "SupplyRequest": ["identifier", "status"],
        "SupplyDelivery": ["identifier", "status"],
    }
