"""Orders use fills of verified prescriptions (service token only): one fill per order,
idempotent per order_ref, refused with a stable code when it cannot be used, and given back
by the saga's compensation."""

from datetime import date, timedelta

import pytest

from common.testing import mint_token, service_token
from prescriptions.models import Fill, Prescription, PrescriptionEvent
from tests.conftest import OTHER_PATIENT_ID, PATIENT_ID
from tests.factories import FillFactory, PrescriptionFactory

pytestmark = pytest.mark.django_db


def consume_url(prescription) -> str:
    return f"/api/rx/prescriptions/{prescription.pk}/consume/"


def revert_url(prescription, order_ref: str) -> str:
    return f"/api/rx/prescriptions/{prescription.pk}/consume/{order_ref}/revert/"


def consume(client, prescription, order_ref="ORD-1", drug=1, quantity=2):
    return client.post(
        consume_url(prescription),
        {"order_ref": order_ref, "drug": drug, "quantity": quantity},
        format="json",
    )


def fresh(prescription) -> Prescription:
    return Prescription.objects.get(pk=prescription.pk)


def test_consuming_uses_one_fill(orders_service):
    prescription = PrescriptionFactory(verified=True)  # refills=1: two fills
    response = consume(orders_service, prescription)
    assert response.status_code == 201
    body = response.json()
    assert (body["prescription"], body["order_ref"], body["drug"], body["quantity"]) == (
        prescription.pk,
        "ORD-1",
        1,
        2,
    )
    assert (body["fills_remaining"], body["status"], body["reverted_at"]) == (1, "verified", None)
    assert fresh(prescription).fills_remaining == 1


def test_a_repeat_of_the_same_order_uses_no_second_fill(orders_service):
    prescription = PrescriptionFactory(verified=True)
    first = consume(orders_service, prescription).json()
    again = consume(orders_service, prescription)
    assert again.status_code == 200
    assert again.json() == first
    assert fresh(prescription).fills_remaining == 1
    assert Fill.objects.count() == 1


def test_the_same_order_ref_with_other_lines_is_409(orders_service):
    prescription = PrescriptionFactory(verified=True)
    consume(orders_service, prescription, quantity=2)
    response = consume(orders_service, prescription, quantity=1)
    assert response.status_code == 409 and response.json()["code"] == "order_ref_reused"


def test_the_last_fill_makes_it_used_up_and_then_409(orders_service, patient):
    prescription = PrescriptionFactory(verified=True)
    consume(orders_service, prescription, "ORD-1")
    last = consume(orders_service, prescription, "ORD-2").json()
    assert (last["fills_remaining"], last["status"]) == (0, "used_up")
    response = consume(orders_service, prescription, "ORD-3")
    assert response.status_code == 409
    assert response.json()["code"] == "prescription_used_up"
    event = PrescriptionEvent.objects.filter(prescription=prescription).last()
    assert (event.from_status, event.to_status, event.by_id) == (
        "verified",
        "used_up",
        "client:orders-service",
    )
    assert "ORD-2" in event.reason
    assert patient.get(f"/api/rx/prescriptions/{prescription.pk}/").json()["status"] == "used_up"


@pytest.mark.parametrize(
    "traits",
    [{}, {"in_review": True}, {"status": "rejected"}],
    ids=["pending", "in_review", "rejected"],
)
def test_an_unverified_prescription_is_409(orders_service, traits):
    prescription = PrescriptionFactory(**traits)
    response = consume(orders_service, prescription)
    assert response.status_code == 409
    assert response.json()["code"] == "prescription_not_verified"
    assert Fill.objects.count() == 0


def test_a_prescription_past_its_validity_is_409_expired(orders_service):
    prescription = PrescriptionFactory(verified=True, valid_until=date.today() - timedelta(days=1))
    response = consume(orders_service, prescription)
    assert response.status_code == 409 and response.json()["code"] == "prescription_expired"
    assert fresh(prescription).fills_remaining == 2 and Fill.objects.count() == 0


@pytest.mark.parametrize(
    ("lines", "code"),
    [({"drug": 2}, "drug_mismatch"), ({"quantity": 3}, "quantity_exceeds_prescription")],
)
def test_lines_must_match_the_prescription(orders_service, lines, code):
    prescription = PrescriptionFactory(verified=True)  # drug 1, 2 per fill
    response = consume(orders_service, prescription, **lines)
    assert response.status_code == 409 and response.json()["code"] == code
    assert fresh(prescription).fills_remaining == 2


def test_a_smaller_quantity_is_allowed(orders_service):
    prescription = PrescriptionFactory(verified=True)
    assert consume(orders_service, prescription, quantity=1).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"order_ref": "", "drug": 1, "quantity": 1},
        {"order_ref": "a/b", "drug": 1, "quantity": 1},
        {"order_ref": "X", "drug": 1, "quantity": 0},
    ],
)
def test_bad_consume_bodies_are_400(orders_service, body):
    prescription = PrescriptionFactory(verified=True)
    response = orders_service.post(consume_url(prescription), body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_with_the_ordering_patient_only_their_prescription_is_used(orders_service):
    prescription = PrescriptionFactory(verified=True)  # PATIENT_ID's
    body = {"order_ref": "ORD-9", "drug": 1, "quantity": 1}
    other = orders_service.post(
        consume_url(prescription), {**body, "patient": OTHER_PATIENT_ID}, format="json"
    )
    assert other.status_code == 404 and other.json()["code"] == "prescription_not_found"
    assert fresh(prescription).fills_remaining == 2
    own = orders_service.post(
        consume_url(prescription), {**body, "patient": PATIENT_ID}, format="json"
    )
    assert own.status_code == 201


def test_a_missing_prescription_is_404(orders_service):
    response = orders_service.post(
        "/api/rx/prescriptions/999999/consume/",
        {"order_ref": "ORD-1", "drug": 1, "quantity": 1},
        format="json",
    )
    assert response.status_code == 404
    assert response.json()["code"] == "prescription_not_found"


@pytest.mark.parametrize(
    "token",
    [
        mint_token(role="patient", sub="42", scope="rx:consume"),  # a person, even with the scope
        mint_token(role="pharmacist", sub="900"),
        service_token("catalog:read"),  # a service without the scope
    ],
    ids=["patient", "pharmacist", "wrong-scope"],
)
def test_only_services_with_rx_consume_may_consume(api_client, token):
    prescription = PrescriptionFactory(verified=True)
    client = api_client(token)
    assert consume(client, prescription).status_code == 403
    assert client.post(revert_url(prescription, "ORD-1")).status_code == 403
    assert fresh(prescription).fills_remaining == 2


def test_revert_gives_the_fill_back_once(orders_service):
    prescription = PrescriptionFactory(verified=True)
    consume(orders_service, prescription, "ORD-1")
    first = orders_service.post(revert_url(prescription, "ORD-1"))
    assert first.status_code == 200
    assert (first.json()["fill_returned"], first.json()["fills_remaining"]) == (True, 2)
    assert first.json()["reverted_at"]
    again = orders_service.post(revert_url(prescription, "ORD-1")).json()
    assert (again["fill_returned"], again["fills_remaining"]) == (False, 2)


def test_reverting_the_last_fill_makes_it_verified_again(orders_service):
    prescription = PrescriptionFactory(verified=True, refills=0, fills_remaining=1)
    consume(orders_service, prescription, "ORD-1")
    assert fresh(prescription).status == "used_up"
    body = orders_service.post(revert_url(prescription, "ORD-1")).json()
    assert (body["status"], body["fills_remaining"]) == ("verified", 1)
    assert consume(orders_service, prescription, "ORD-2").status_code == 201


def test_a_reverted_order_cannot_consume_again(orders_service):
    prescription = PrescriptionFactory(verified=True)
    consume(orders_service, prescription, "ORD-1")
    orders_service.post(revert_url(prescription, "ORD-1"))
    response = consume(orders_service, prescription, "ORD-1")
    assert response.status_code == 409 and response.json()["code"] == "order_reverted"
    assert fresh(prescription).fills_remaining == 2


def test_a_revert_before_its_consume_blocks_the_late_consume(orders_service):
    prescription = PrescriptionFactory(verified=True)
    body = orders_service.post(revert_url(prescription, "ORD-LATE")).json()
    assert (body["fill_returned"], body["fills_remaining"]) == (False, 2)
    response = consume(orders_service, prescription, "ORD-LATE")
    assert response.status_code == 409 and response.json()["code"] == "order_reverted"
    assert fresh(prescription).fills_remaining == 2


def test_an_order_ref_with_a_colon_travels_percent_encoded(orders_service):
    prescription = PrescriptionFactory(verified=True)
    consume(orders_service, prescription, "ORD:7")
    body = orders_service.post(revert_url(prescription, "ORD%3A7")).json()
    assert (body["order_ref"], body["fill_returned"]) == ("ORD:7", True)


def test_a_malformed_order_ref_in_a_revert_is_400(orders_service):
    prescription = PrescriptionFactory(verified=True)
    response = orders_service.post(revert_url(prescription, "X" * 101))
    assert response.status_code == 400 and "order_ref" in response.json()["errors"]
    assert Fill.objects.count() == 0


def test_revert_on_a_missing_prescription_is_404(orders_service):
    response = orders_service.post("/api/rx/prescriptions/999999/consume/ORD-1/revert/")
    assert response.status_code == 404


def test_a_revert_never_raises_fills_past_refills_plus_one(orders_service):
    # A fill recorded without its counter going down (data repaired by hand, say).
    fill = FillFactory()
    prescription = fill.prescription
    response = orders_service.post(revert_url(prescription, fill.order_ref))
    assert response.status_code == 200
    assert fresh(prescription).fills_remaining == prescription.refills + 1
