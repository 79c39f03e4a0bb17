"""The stock catalog holds for an order, and how the order records it."""

from common.clients.catalog import Reservation
from orders import upstreams
from orders.models import Order
from orders.services.transitions import reservation_transition


def hold(order: Order, quantities: dict[int, int], *, attempt: str, confirm: bool) -> Reservation:
    """Reserve ``quantities`` for the order under the reference ``<number><attempt>`` (also
    its Idempotency-Key); the caller records the hold (``hold_record``)."""
    reference = f"{order.number}{attempt}"
    return upstreams.catalog().reserve(
        reference=reference,
        lines=list(quantities.items()),
        min_shelf_life_days=order.min_shelf_life_days,
        idempotency_key=reference,
        confirm=confirm,
    )


def first_hold(order: Order, requested: dict[int, int]) -> Reservation:
    """The order's first hold, of every unit ``requested``, confirmed. The same request again
    (same body, same key) answers the hold it made, which is how ``reconcile`` finds a hold
    that a crash kept the order from recording: placement records it only in the
    transaction that confirms the order."""
    return hold(order, requested, attempt="", confirm=True)


def hold_record(order: Order, reservation: Reservation) -> None:
    """The order holds ``reservation`` (409 ``invalid_transition`` if it recorded a hold
    already)."""
    reservation_transition(
        order=order,
        to=Order.ReservationState.HELD,
        changes={"reservation_id": str(reservation.id)},
    )
