"""Real threads on a real database: row locks and conditional updates hold under load."""

from collections import Counter

import pytest
from rest_framework.test import APIClient

from common.testing import mint_token, race, service_token
from prescriptions.models import Fill, Prescription, PrescriptionEvent
from prescriptions.sample_documents import png_document
from tests.conftest import PHARMACY, UPLOAD_URL, upload_form
from tests.factories import PrescriptionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def client_for(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def answer(response) -> tuple[int, str | None]:
    body = response.json()
    return response.status_code, body.get("code")


def test_of_pharmacists_claiming_at_once_exactly_one_wins():
    prescription = PrescriptionFactory()
    pharmacists = [
        client_for(mint_token(role="pharmacist", sub=str(900 + n), username=f"ph{n}", org=PHARMACY))
        for n in range(6)
    ]
    claim = f"/api/rx/prescriptions/{prescription.pk}/claim/"
    results = race([lambda c=c: c.post(claim) for c in pharmacists])
    outcomes = Counter(answer(response) for response in results)
    assert outcomes == {(200, None): 1, (409, "claimed_by_another"): 5}
    winner = next(r.json()["claimed_by"] for r in results if r.status_code == 200)
    assert Prescription.objects.get().claimed_by == winner
    assert PrescriptionEvent.objects.filter(to_status="in_review").count() == 1


def test_concurrent_orders_never_use_more_fills_than_there_are():
    prescription = PrescriptionFactory(verified=True, refills=2, fills_remaining=3)
    orders = client_for(service_token("rx:consume"))
    consume = f"/api/rx/prescriptions/{prescription.pk}/consume/"
    results = race(
        [
            lambda n=n: orders.post(
                consume, {"order_ref": f"ORD-{n}", "drug": 1, "quantity": 1}, format="json"
            )
            for n in range(10)
        ]
    )
    outcomes = Counter(answer(response) for response in results)
    assert outcomes == {(201, None): 3, (409, "prescription_used_up"): 7}
    prescription.refresh_from_db()
    assert (prescription.fills_remaining, prescription.status) == (0, "used_up")
    assert Fill.objects.count() == 3


def test_the_same_order_consuming_at_once_uses_one_fill():
    prescription = PrescriptionFactory(verified=True, refills=2, fills_remaining=3)
    orders = client_for(service_token("rx:consume"))
    consume = f"/api/rx/prescriptions/{prescription.pk}/consume/"
    body = {"order_ref": "ORD-SAME", "drug": 1, "quantity": 1}
    results = race([lambda: orders.post(consume, body, format="json") for _ in range(6)])
    assert sorted(r.status_code for r in results) == [200] * 5 + [201]
    assert {r.json()["fills_remaining"] for r in results if r.status_code == 201} == {2}
    prescription.refresh_from_db()
    assert prescription.fills_remaining == 2 and Fill.objects.count() == 1


def test_the_same_file_uploaded_twice_at_once_is_stored_once(catalog, document_dir):
    catalog.drug(1)
    patient = client_for(mint_token(role="patient", sub="42"))
    content = png_document(["Rx: raced upload"])
    results = race([lambda: patient.post(UPLOAD_URL, upload_form(content), format="multipart")] * 2)
    assert sorted(answer(r) for r in results) == [(201, None), (409, "duplicate_document")]
    assert Prescription.objects.count() == 1
    assert len(list(document_dir.iterdir())) == 1
