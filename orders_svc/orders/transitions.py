"""The order status machine: the allowed moves, and the one service that makes them."""

from django.db import transaction

from common.transitions import transition_check
from orders.models import Order, OrderEvent
from webhooks.outbox import order_event_record

S = Order.Status
TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {S.CONFIRMED, S.REJECTED, S.CANCELLED},
    S.CONFIRMED: {S.SHIPPED, S.CANCELLED},
    S.SHIPPED: {S.DELIVERED},
    S.DELIVERED: set(),
    S.REJECTED: set(),
    S.CANCELLED: set(),
}


def order_lock(order_id: int) -> Order:
    return Order.objects.select_for_update().get(pk=order_id)


@transaction.atomic
def order_transition(
    *, order: Order, to: str, by: str, reason: str = "", fields: dict | None = None
) -> Order:
    """Move ``order`` to ``to`` if ``TRANSITIONS`` allows it (else 409 ``invalid_transition``),
    setting ``fields`` with it and writing the event row."""
    locked = order_lock(order.pk)
    transition_check(table=TRANSITIONS, current=locked.status, to=to, subject="The order")
    previous = locked.status
    locked.status = to
    for name, value in (fields or {}).items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "updated_at", *(fields or {})])
    OrderEvent.objects.create(
        order=locked, from_status=previous, to_status=to, by=by, reason=reason
    )
    order_event_record(order=locked, to=to)  # the webhook outbox, in this transaction
    return locked
