"""What left with whom, for orders: a reservation's shipments with serials, and the recall feed
after a cursor (only recalls old enough that none committing later can be passed over)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common.demo import ST_MARYS_HOSPITAL
from common.testing import service_token
from inventory.models import LotEvent, LotStatus, Reservation
from inventory.services import ReceiptLineIn, lot_transition, receipt_create
from tests.test_scanning import ship
from traceability.selectors import RECALL_FEED_SETTLE_SECONDS


@pytest.fixture
def serialized_lot(drug, warehouse):
    expiry = timezone.localdate() + timedelta(days=400)
    line = ReceiptLineIn(drug.pk, "TR1", expiry, 3, serials=("A", "B", "C"))
    receipt_create(warehouse_id=warehouse.pk, lines=[line], actor="test", owner_org=None)
    return warehouse.lots.get(lot_number="TR1")


@pytest.mark.django_db
def test_a_reservations_shipments_list_lots_and_serials(reserver, drug, serialized_lot):
    ship(drug, 2, ST_MARYS_HOSPITAL, "PC-00000007")
    reservation = Reservation.objects.get(reference="PC-00000007")
    answer = reserver.get(f"/api/catalog/reservations/{reservation.pk}/shipments/")
    assert answer.status_code == 200, answer.content
    (shipped,) = answer.json()
    assert shipped["lot_number"] == "TR1" and shipped["quantity"] == 2
    assert shipped["gtin"] == drug.gtin and shipped["serials"] == ["A", "B"]
    assert shipped["buyer_org"] == ST_MARYS_HOSPITAL and shipped["order_ref"] == "PC-00000007"
    assert shipped["warehouse"] == serialized_lot.warehouse_id


def recall_settled(lot, seconds=RECALL_FEED_SETTLE_SECONDS + 1):
    lot_transition(lot_id=lot.pk, to=LotStatus.RECALLED, actor="test", reason="FDA class I")
    LotEvent.objects.filter(lot=lot, to_status=LotStatus.RECALLED).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )


@pytest.mark.django_db
def test_the_recall_feed_reaches_every_shipment_after_the_cursor(reserver, drug, serialized_lot):
    ship(drug, 1, ST_MARYS_HOSPITAL, "PC-1")
    ship(drug, 1, 4, "PC-2")
    recall_settled(serialized_lot)
    body = reserver.get("/api/catalog/recalls/", {"after": 0}).json()
    (recall,) = body["results"]
    assert recall["lot_number"] == "TR1" and recall["gtin"] == drug.gtin
    assert recall["reason"] == "FDA class I"
    assert [(s["order_ref"], s["buyer_org"], s["serials"]) for s in recall["shipments"]] == [
        ("PC-1", ST_MARYS_HOSPITAL, ["A"]),
        ("PC-2", 4, ["B"]),
    ]
    assert body["next_after"] == recall["id"]
    again = reserver.get("/api/catalog/recalls/", {"after": body["next_after"]}).json()
    assert again == {"results": [], "next_after": body["next_after"]}


@pytest.mark.django_db
def test_a_fresh_recall_waits_until_it_has_settled(reserver, drug, serialized_lot):
    recall_settled(serialized_lot, seconds=0)
    assert reserver.get("/api/catalog/recalls/").json()["results"] == []


@pytest.mark.django_db
def test_people_and_other_services_may_not_read_the_feed(distributor, api_client):
    assert distributor.get("/api/catalog/recalls/").status_code == 403
    pricing = api_client(service_token("catalog:read", client_id="pricing-service"))
    assert pricing.get("/api/catalog/recalls/").status_code == 403
