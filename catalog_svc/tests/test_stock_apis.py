"""Receipts, adjustments, returns and the ledger: every change is a movement, bad input
changes nothing, and a distributor only touches its own warehouses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.models import Lot, Movement, Receipt
from tests.factories import DrugFactory, stocked_lot

RECEIPTS = "/api/catalog/receipts/"
ADJUSTMENTS = "/api/catalog/adjustments/"
RETURNS = "/api/catalog/returns/"
MOVEMENTS = "/api/catalog/movements/"


def days(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def receipt(warehouse, *lines) -> dict:
    return {"warehouse": warehouse.pk, "lines": list(lines)}


def line(drug, lot_number="A1", expiry=None, quantity=50) -> dict:
    return {
        "drug": drug.pk,
        "lot_number": lot_number,
        "expiry_date": expiry or days(400),
        "quantity": quantity,
    }


@pytest.mark.django_db
def test_a_receipt_creates_lots_and_writes_the_ledger(distributor, warehouse, drug):
    other = DrugFactory()
    response = distributor.post(
        RECEIPTS,
        receipt(warehouse, line(drug, "A1"), line(other, "B7", quantity=20)),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {(row["lot_number"], row["quantity"]) for row in body["lines"]} == {
        ("A1", 50),
        ("B7", 20),
    }
    lot = Lot.objects.get(lot_number="A1")
    assert (lot.on_hand, lot.reserved, lot.available, lot.status) == (50, 0, 50, "available")
    assert Movement.objects.get(lot=lot).kind == "receipt"
    assert Movement.objects.get(lot=lot).actor == "user:11"


@pytest.mark.django_db
def test_receiving_an_existing_lot_extends_it(distributor, warehouse, drug):
    distributor.post(RECEIPTS, receipt(warehouse, line(drug, "A1")), format="json")
    distributor.post(RECEIPTS, receipt(warehouse, line(drug, "A1", quantity=25)), format="json")
    assert Lot.objects.get(lot_number="A1").on_hand == 75
    assert Movement.objects.filter(kind="receipt").count() == 2


@pytest.mark.django_db
def test_a_repeated_receipt_with_its_idempotency_key_is_received_once(distributor, warehouse, drug):
    body = receipt(warehouse, line(drug, "A1"))
    first = distributor.post(RECEIPTS, body, format="json", HTTP_IDEMPOTENCY_KEY="grn-1")
    again = distributor.post(RECEIPTS, body, format="json", HTTP_IDEMPOTENCY_KEY="grn-1")
    assert again.json() == first.json()
    assert Lot.objects.get(lot_number="A1").on_hand == 50


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_line", "code"),
    [
        ({"quantity": 0}, "invalid"),
        ({"quantity": -5}, "invalid"),
        ({"expiry_date": days(-1)}, "expiry_in_past"),
        ({"drug": 999999}, "unknown_drug"),
        ({"expiry_date": "tomorrow"}, "invalid"),
    ],
)
def test_a_bad_line_refuses_the_whole_receipt(distributor, warehouse, drug, bad_line, code):
    good = line(drug, "OK1")
    response = distributor.post(
        RECEIPTS, receipt(warehouse, good, {**line(drug, "BAD"), **bad_line}), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Lot.objects.exists()
    assert not Receipt.objects.exists()


@pytest.mark.django_db
def test_a_lot_number_on_file_with_another_expiry_is_refused(distributor, warehouse, drug):
    distributor.post(RECEIPTS, receipt(warehouse, line(drug, "A1")), format="json")
    response = distributor.post(
        RECEIPTS, receipt(warehouse, line(drug, "A1", expiry=days(500))), format="json"
    )
    assert response.json()["code"] == "lot_expiry_mismatch"
    assert Lot.objects.get(lot_number="A1").on_hand == 50


@pytest.mark.django_db
def test_receipts_into_another_distributors_warehouse_are_refused(
    distributor, rival_warehouse, drug
):
    response = distributor.post(RECEIPTS, receipt(rival_warehouse, line(drug)), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_warehouse"
    assert not Lot.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("client_name", ["hospital", "reserver"])
def test_only_the_back_office_receives(request, client_name, warehouse, drug):
    client = request.getfixturevalue(client_name)
    assert client.post(RECEIPTS, receipt(warehouse, line(drug)), format="json").status_code == 403


@pytest.fixture
def lot(warehouse, drug):
    return stocked_lot(drug=drug, warehouse=warehouse, quantity=30)


def adjust(client, lot, delta, reason="damage", note=""):
    body = {"lot": lot.pk, "quantity_delta": delta, "reason": reason, "note": note}
    return client.post(ADJUSTMENTS, body, format="json")


@pytest.mark.django_db
def test_adjustments_change_on_hand_with_a_reason(distributor, lot):
    response = adjust(distributor, lot, -4, "damage", "dropped carton")
    assert response.status_code == 201
    assert response.json()["kind"] == "adjustment"
    assert adjust(distributor, lot, -2, "expired_writeoff").json()["kind"] == "write_off"
    assert adjust(distributor, lot, 1, "count_correction").status_code == 201
    lot.refresh_from_db()
    assert lot.on_hand == 25
    assert list(
        Movement.objects.filter(lot=lot).values_list("reason", flat=True).order_by("pk")
    ) == [
        "",
        "damage",
        "expired_writeoff",
        "count_correction",
    ]


@pytest.mark.django_db
def test_adjustments_may_not_take_on_hand_below_reserved(distributor, reserver, lot):
    reserver.post(
        "/api/catalog/reservations/",
        {"reference": "SO-1", "lines": [{"drug": lot.drug_id, "quantity": 20}]},
        format="json",
    )
    response = adjust(distributor, lot, -11, "theft")
    assert response.status_code == 409
    assert response.json()["code"] == "below_reserved"
    assert adjust(distributor, lot, -10, "theft").status_code == 201
    lot.refresh_from_db()
    assert (lot.on_hand, lot.reserved, lot.available) == (20, 20, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("delta", "reason", "note", "code"),
    [
        (0, "damage", "", "invalid_quantity"),
        (5, "expired_writeoff", "", "invalid_quantity"),
        (-1, "weather", "", "invalid"),
        (-1, "other", "", "note_required"),
        (-31, "damage", "", "below_reserved"),
    ],
)
def test_bad_adjustments_change_nothing(distributor, lot, delta, reason, note, code):
    response = adjust(distributor, lot, delta, reason, note)
    assert response.status_code in (400, 409)
    assert response.json()["code"] == code
    lot.refresh_from_db()
    assert lot.on_hand == 30
    assert Movement.objects.filter(lot=lot).count() == 1


@pytest.mark.django_db
def test_another_distributors_lot_cannot_be_adjusted(rival, lot):
    response = adjust(rival, lot, -1)
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_lot"


@pytest.mark.django_db
def test_returns_come_back_on_hand(distributor, lot):
    body = {"lot": lot.pk, "quantity": 3, "order_ref": "SO-9", "note": "damaged box"}
    response = distributor.post(RETURNS, body, format="json")
    assert response.status_code == 201
    assert response.json()["kind"] == "return"
    assert response.json()["reference"] == "SO-9"
    lot.refresh_from_db()
    assert lot.on_hand == 33
    bad = distributor.post(RETURNS, {**body, "quantity": 0}, format="json")
    assert bad.status_code == 400


@pytest.mark.django_db
def test_the_ledger_lists_and_filters_without_n_plus_1(
    distributor, rival, warehouse, rival_warehouse, django_assert_max_num_queries
):
    drugs = DrugFactory.create_batch(3)
    for index, each in enumerate(drugs):
        stocked_lot(drug=each, warehouse=warehouse, quantity=10 + index)
    rival_lot = stocked_lot(drug=drugs[0], warehouse=rival_warehouse)
    adjust(distributor, Lot.objects.get(drug=drugs[0], warehouse=warehouse), -1)
    with django_assert_max_num_queries(2):
        body = distributor.get(MOVEMENTS).json()
    assert body["count"] == 4
    assert rival_lot.pk not in {row["lot"] for row in body["results"]}
    assert distributor.get(MOVEMENTS, {"kind": "adjustment"}).json()["count"] == 1
    assert distributor.get(MOVEMENTS, {"drug": drugs[0].pk}).json()["count"] == 2
    lot = Lot.objects.get(drug=drugs[1], warehouse=warehouse)
    rows = distributor.get(MOVEMENTS, {"lot": lot.pk}).json()["results"]
    assert [(r["kind"], r["on_hand_delta"], r["drug"]) for r in rows] == [
        ("receipt", 11, drugs[1].pk)
    ]
    assert distributor.get(MOVEMENTS, {"kind": "teleport"}).status_code == 400
