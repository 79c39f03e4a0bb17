"""The lots an order ships from, as the buyer sees them on its lines.

Catalog allocates a reservation's lots (FEFO) when orders reserves, and moves a hold to
other lots (or drops it) when a lot is recalled. Orders keeps a copy on each line so reading
an order never calls catalog; the copy is refreshed from catalog's reservation when a recall
of a lot it names comes through the recall feed (``webhooks.recalls``), and replaced by the
lots that actually left when the order ships.
"""

from collections.abc import Iterable

from common.clients.catalog import Allocation, Reservation
from orders import upstreams
from orders.models import Order, OrderLine


def _lots_json(allocations: Iterable[Allocation]) -> list[dict]:
    """Lots as stored on an order line (and shown to the buyer)."""
    return [
        {
            "lot": allocation.lot,
            "lot_number": allocation.lot_number,
            "expiry_date": allocation.expiry_date.isoformat(),
            "quantity": allocation.quantity,
        }
        for allocation in allocations
    ]


def reservation_lots(reservation: Reservation) -> dict[int, list[dict]]:
    """The lots of ``reservation`` by drug, as order lines keep them."""
    lots: dict[int, list[dict]] = {}
    for line in reservation.lines:
        lots.setdefault(line.drug, []).extend(_lots_json(line.allocations))
    return lots


def lines_allocations_set(*, order: Order, reservation: Reservation) -> None:
    """Copy ``reservation``'s lots onto the order's lines (a drug it does not hold: none)."""
    held = reservation_lots(reservation)
    lines = list(order.lines.all())
    for line in lines:
        line.allocations = held.get(line.drug, [])
    OrderLine.objects.bulk_update(lines, ["allocations"])


def orders_allocations_refresh(*, lot: int) -> int:
    """Re-read from catalog the lots of every order still holding stock on ``lot`` (a lot just
    recalled: catalog has moved those holds); how many orders were refreshed."""
    holding = Order.objects.filter(
        reservation_state=Order.ReservationState.HELD,
        lines__allocations__contains=[{"lot": lot}],
    ).distinct()
    refreshed = 0
    for order in holding:
        reservation = upstreams.catalog().get_reservation(int(order.reservation_id))
        lines_allocations_set(order=order, reservation=reservation)
        refreshed += 1
    return refreshed
