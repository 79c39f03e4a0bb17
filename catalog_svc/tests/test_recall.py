"""Recalls: the lot never sells again, open reservations move to other lots (FEFO, within
their shelf life) or are released, and every shipment that carried the lot is listed."""

import pytest

from inventory.models import Allocation, LotEvent, Reservation, ReservationEvent
from tests.factories import stocked_lot

RESERVATIONS = "/api/catalog/reservations/"


def reserve(client, drug, quantity, reference, min_shelf_life_days=0):
    body = {
        "reference": reference,
        "lines": [{"drug": drug.pk, "quantity": quantity}],
        "min_shelf_life_days": min_shelf_life_days,
    }
    response = client.post(RESERVATIONS, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def recall(client, lot, reason="FDA class II recall", **headers):
    return client.post(
        f"/api/catalog/lots/{lot.pk}/recall/", {"reason": reason}, format="json", **headers
    )


@pytest.fixture
def lots(warehouse, north, drug):
    return {
        "bad": stocked_lot(
            drug=drug, warehouse=warehouse, quantity=100, expiry_days=60, lot_number="BAD"
        ),
        "spare": stocked_lot(
            drug=drug, warehouse=north, quantity=30, expiry_days=200, lot_number="SPARE"
        ),
    }


def allocations(reservation_id: int) -> dict[str, int]:
    rows = Allocation.objects.filter(line__reservation_id=reservation_id).select_related("lot")
    return {row.lot.lot_number: row.quantity for row in rows}


@pytest.mark.django_db
def test_recall_moves_or_releases_holds_and_lists_shipments(distributor, reserver, lots, drug):
    shipped = reserve(reserver, drug, 10, "SO-SHIPPED")
    reserver.post(
        f"{RESERVATIONS}{shipped['id']}/commit/",
        {"buyer_org": 4, "shipped_at": "2026-01-05T09:00:00Z"},
        format="json",
    )
    movable = reserve(reserver, drug, 25, "SO-MOVE")  # SPARE can take all 25
    stuck = reserve(reserver, drug, 20, "SO-STUCK")  # only 5 left on SPARE after that

    response = recall(distributor, lots["bad"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["lot"]["status"] == "recalled"
    assert body["released_reservations"] == [{"id": stuck["id"], "reference": "SO-STUCK"}]
    assert body["reallocated_reservations"] == [{"id": movable["id"], "reference": "SO-MOVE"}]
    assert [
        {k: s[k] for k in ("order_ref", "buyer_org", "quantity", "shipped_at")}
        for s in body["shipments"]
    ] == [
        {
            "order_ref": "SO-SHIPPED",
            "buyer_org": 4,
            "quantity": 10,
            "shipped_at": "2026-01-05T09:00:00Z",
        }
    ]
    assert allocations(movable["id"]) == {"SPARE": 25}
    assert Reservation.objects.get(pk=stuck["id"]).status == "released"
    lots["bad"].refresh_from_db()
    lots["spare"].refresh_from_db()
    assert (lots["bad"].on_hand, lots["bad"].reserved) == (90, 0)
    assert (lots["spare"].reserved, lots["spare"].available) == (25, 5)
    event = LotEvent.objects.get(lot=lots["bad"])
    assert (event.from_status, event.to_status, event.reason) == (
        "available",
        "recalled",
        "FDA class II recall",
    )
    assert ReservationEvent.objects.filter(
        reservation_id=movable["id"], reason__contains="re-allocated"
    ).exists()


@pytest.mark.django_db
def test_the_recall_answer_shows_the_lot_after_its_holds_moved(distributor, reserver, lots, drug):
    reserve(reserver, drug, 3, "SO-MOVED")
    body = recall(distributor, lots["bad"]).json()
    listed = distributor.get("/api/catalog/lots/", {"lot_number": "BAD"}).json()["results"][0]
    assert (body["lot"]["on_hand"], body["lot"]["reserved"]) == (100, 0)
    assert body["lot"] == listed


@pytest.mark.django_db
def test_reallocation_respects_the_minimum_shelf_life(distributor, reserver, lots, drug):
    picky = reserve(reserver, drug, 5, "SO-PICKY", min_shelf_life_days=50)  # BAD qualifies
    assert allocations(picky["id"]) == {"BAD": 5}
    stocked_lot(
        drug=drug, warehouse=lots["bad"].warehouse, quantity=50, expiry_days=40, lot_number="SHORT"
    )
    body = recall(distributor, lots["bad"]).json()
    # SHORT expires too soon for this order; SPARE is the only eligible lot.
    assert body["reallocated_reservations"] == [{"id": picky["id"], "reference": "SO-PICKY"}]
    assert allocations(picky["id"]) == {"SPARE": 5}


@pytest.mark.django_db
def test_a_recalled_lot_is_never_allocated_again(distributor, reserver, lots, drug):
    recall(distributor, lots["bad"])
    body = reserve(reserver, drug, 30, "SO-AFTER")
    assert [a["lot_number"] for a in body["lines"][0]["allocations"]] == ["SPARE"]
    response = reserver.post(
        RESERVATIONS,
        {"reference": "SO-MORE", "lines": [{"drug": drug.pk, "quantity": 1}]},
        format="json",
    )
    assert response.json()["code"] == "insufficient_stock"


@pytest.mark.django_db
def test_quarantine_also_moves_holds_off_the_lot(distributor, reserver, lots, drug):
    held = reserve(reserver, drug, 20, "SO-Q")
    distributor.post(
        f"/api/catalog/lots/{lots['bad'].pk}/quarantine/", {"reason": "QA"}, format="json"
    )
    assert allocations(held["id"]) == {"SPARE": 20}


@pytest.mark.django_db
def test_who_may_recall(admin_api, hospital, rival, lots):
    assert recall(hospital, lots["bad"]).status_code == 403
    assert recall(rival, lots["bad"]).status_code == 404
    assert recall(admin_api, lots["bad"]).status_code == 200


@pytest.mark.django_db
def test_recalling_twice_is_409_unless_it_is_a_keyed_retry(distributor, lots):
    first = recall(distributor, lots["bad"], HTTP_IDEMPOTENCY_KEY="recall-1")
    retry = recall(distributor, lots["bad"], HTTP_IDEMPOTENCY_KEY="recall-1")
    assert retry.json() == first.json()
    again = recall(distributor, lots["bad"])
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    assert LotEvent.objects.filter(lot=lots["bad"]).count() == 1


@pytest.mark.django_db
def test_recall_needs_a_reason(distributor, lots):
    response = recall(distributor, lots["bad"], reason="")
    assert response.status_code == 400
    lots["bad"].refresh_from_db()
    assert lots["bad"].status == "available"
