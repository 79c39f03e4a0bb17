"""The zero-oversell proof after the order scenarios, read from the catalog's and the orders
service's databases.

- Every lot of an ordered drug: on hand and reserved equal the sums of its ledger rows, and
  what left or is held (reserved + shipped + written off) never exceeds what came in
  (receipts, returns, positive adjustments); on hand is never below reserved.
- Every order confirmed since ``since`` (confirmed, shipped or delivered): its catalog
  reservation exists, is its own (no two orders share one), is still held for it (confirmed)
  or committed, and holds exactly the confirmed quantity of each line in lots.
"""

import psycopg2

CONFIRMED = ("confirmed", "shipped", "delivered")

_ORDERS_SQL = """
SELECT o.id, o.reservation_id, l.drug, l.quantity
FROM orders_order AS o JOIN orders_orderline AS l ON l.order_id = o.id
WHERE o.created_at >= %(since)s AND o.status IN %(confirmed)s
"""

_LOTS_SQL = """
SELECT lot.id, lot.on_hand, lot.reserved,
       coalesce(sum(m.on_hand_delta), 0), coalesce(sum(m.reserved_delta), 0),
       coalesce(sum(m.on_hand_delta) FILTER (WHERE m.on_hand_delta > 0), 0),
       coalesce(-sum(m.on_hand_delta) FILTER (WHERE m.on_hand_delta < 0), 0)
FROM inventory_lot AS lot LEFT JOIN inventory_movement AS m ON m.lot_id = lot.id
WHERE lot.drug_id = ANY(%(drugs)s)
GROUP BY lot.id
"""

_HELD_SQL = """
SELECT r.id, r.status, r.confirmed_at IS NOT NULL, line.drug_id, coalesce(sum(a.quantity), 0)
FROM inventory_reservation AS r
JOIN inventory_reservationline AS line ON line.reservation_id = r.id
LEFT JOIN inventory_allocation AS a ON a.line_id = line.id
WHERE r.id = ANY(%(ids)s)
GROUP BY r.id, line.drug_id
"""


def _rows(url: str, sql: str, params: dict) -> list[tuple]:
    conn = psycopg2.connect(url, connect_timeout=5)
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        conn.close()


def check(*, catalog_url: str, orders_url: str, since) -> dict:
    lines = _rows(orders_url, _ORDERS_SQL, {"since": since, "confirmed": CONFIRMED})
    ordered: dict[int, dict[int, int]] = {}  # order -> drug -> confirmed quantity
    reservation_of: dict[int, str] = {}
    for order, reservation, drug, quantity in lines:
        ordered.setdefault(order, {})[drug] = quantity
        reservation_of[order] = reservation
    drugs = sorted({drug for per_drug in ordered.values() for drug in per_drug})

    lots = _rows(catalog_url, _LOTS_SQL, {"drugs": drugs})
    ledger_mismatches = sum(
        1
        for _lot, on_hand, reserved, ledger_on_hand, ledger_reserved, _in, _out in lots
        if (on_hand, reserved) != (ledger_on_hand, ledger_reserved)
    )
    oversold_lots = sum(
        1
        for _lot, on_hand, reserved, _ledger_on_hand, _lr, came_in, went_out in lots
        if on_hand < reserved or reserved + went_out > came_in
    )

    ids = [int(r) for r in reservation_of.values() if r and r.isdigit()]
    held: dict[int, dict] = {}
    for reservation, status, confirmed, drug, quantity in _rows(
        catalog_url, _HELD_SQL, {"ids": ids}
    ):
        entry = held.setdefault(reservation, {"status": status, "confirmed": confirmed})
        entry[drug] = quantity
    shared = len(ids) - len(set(ids))
    unbacked = 0
    for order, per_drug in ordered.items():
        reservation = reservation_of[order]
        entry = held.get(int(reservation)) if reservation and reservation.isdigit() else None
        standing = entry is not None and (
            entry["status"] == "committed" or (entry["status"] == "held" and entry["confirmed"])
        )
        if not standing or any(entry.get(drug, 0) != qty for drug, qty in per_drug.items()):
            unbacked += 1
    return {
        "orders_checked": len(ordered),
        "order_lines_checked": len(lines),
        "lots_checked": len(lots),
        "oversold_lots": oversold_lots,
        "unbacked_orders": unbacked,
        "shared_reservations": shared,
        "ledger_mismatches": ledger_mismatches,
        "oversell": oversold_lots + unbacked + shared,
    }
