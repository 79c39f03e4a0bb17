"""The zero-oversell proof: quiet on consistent stock and orders, loud on each kind of breach."""

import datetime as dt

import pytest
from oversell import check

from tests.conftest import manage

BUYER = "bench-test-buyer"
ACTOR = "bench-test"  # on every catalog row a test writes
QUANTITY = 3

_HOLD_SQL = """
WITH lot AS (
    SELECT id, drug_id FROM inventory_lot
    WHERE status = 'available' AND expiry_date > current_date AND available >= %(qty)s
      AND NOT EXISTS (SELECT 1 FROM inventory_movement AS m  -- untouched by an earlier test
                      WHERE m.lot_id = inventory_lot.id AND m.actor = %(actor)s)
    ORDER BY id LIMIT 1
), reservation AS (
    INSERT INTO inventory_reservation (reference, status, client, min_shelf_life_days,
        expires_at, confirmed_at, buyer_org, created_at, updated_at)
    VALUES (%(ref)s, 'held', %(actor)s, 0, now() + interval '1 hour', now(), 2, now(), now())
    RETURNING id
), line AS (
    INSERT INTO inventory_reservationline (reservation_id, drug_id, quantity)
    SELECT reservation.id, lot.drug_id, %(qty)s FROM reservation, lot RETURNING id
), allocation AS (
    INSERT INTO inventory_allocation (line_id, lot_id, quantity)
    SELECT line.id, lot.id, %(qty)s FROM line, lot
), held AS (
    UPDATE inventory_lot SET reserved = reserved + %(qty)s FROM lot WHERE inventory_lot.id = lot.id
), ledger AS (
    INSERT INTO inventory_movement (lot_id, kind, on_hand_delta, reserved_delta, reason, note,
        actor, reference, reservation_id, created_at)
    SELECT lot.id, 'reservation', 0, %(qty)s, '', '', %(actor)s, %(ref)s, reservation.id, now()
    FROM lot, reservation
)
SELECT reservation.id, lot.id, lot.drug_id FROM reservation, lot
"""

_ORDER_CODE = """
from orders.models import Order, OrderLine
order = Order.objects.create(channel="b2b", buyer_org=2, buyer_user={buyer!r}, seller_org=1,
    status="confirmed", reservation_id={reservation!r}, reservation_state="held")
OrderLine.objects.create(order=order, line_no=1, drug={drug}, requested_quantity={qty},
    quantity={qty})
"""


def confirm_order(orders_url, reservation: int, drug: int) -> None:
    code = _ORDER_CODE.format(buyer=BUYER, reservation=str(reservation), drug=drug, qty=QUANTITY)
    manage("orders", orders_url, "shell", "-c", code)


@pytest.fixture
def confirmed(catalog_url, orders_url, catalog):
    """One order confirmed against stock held for it in one lot: (reservation, lot, drug)."""
    since = dt.datetime.now(dt.UTC)
    catalog.execute(_HOLD_SQL, {"ref": f"BT{since.timestamp()}", "qty": QUANTITY, "actor": ACTOR})
    reservation, lot, drug = catalog.fetchone()
    confirm_order(orders_url, reservation, drug)
    return {"since": since, "reservation": reservation, "lot": lot, "drug": drug}


def proof(catalog_url, orders_url, since):
    return check(catalog_url=catalog_url, orders_url=orders_url, since=since)


def test_consistent_stock_and_orders_prove_no_oversell(catalog_url, orders_url, confirmed):
    found = proof(catalog_url, orders_url, confirmed["since"])
    assert found["orders_checked"] == 1
    assert found["lots_checked"] >= 1
    assert found["ledger_mismatches"] == 0
    assert found["oversell"] == 0


def test_an_order_confirmed_without_its_stock_held_is_oversell(
    catalog_url, orders_url, catalog, confirmed
):
    catalog.execute(
        "UPDATE inventory_reservation SET status = 'released' WHERE id = %s",
        [confirmed["reservation"]],
    )
    found = proof(catalog_url, orders_url, confirmed["since"])
    assert found["unbacked_orders"] == 1
    assert found["oversell"] >= 1


def test_two_orders_on_one_reservation_are_oversell(catalog_url, orders_url, confirmed):
    confirm_order(orders_url, confirmed["reservation"], confirmed["drug"])
    found = proof(catalog_url, orders_url, confirmed["since"])
    assert found["shared_reservations"] == 1
    assert found["oversell"] >= 1


def test_more_shipped_than_received_is_an_oversold_lot(catalog_url, orders_url, catalog, confirmed):
    catalog.execute(
        "INSERT INTO inventory_movement (lot_id, kind, on_hand_delta, reserved_delta, reason,"
        " note, actor, reference, created_at)"
        " SELECT %(lot)s, 'shipment', -(sum(on_hand_delta) + 1), 0, '', '', %(actor)s, '', now()"
        " FROM inventory_movement WHERE lot_id = %(lot)s",
        {"lot": confirmed["lot"], "actor": ACTOR},
    )
    found = proof(catalog_url, orders_url, confirmed["since"])
    assert found["oversold_lots"] == 1
    assert found["ledger_mismatches"] == 1
    assert found["oversell"] >= 1
