"""Cancelling an order (the buyer, its distributor or an admin) before it ships."""

from orders.models import Order
from orders.services.compensation import order_compensate
from orders.services.transitions import order_transition


def order_cancel(*, order: Order, by: str, reason: str) -> Order:
    """Cancel a pending or confirmed order (else 409 ``invalid_transition``, decided under
    the row lock) and give its stock and fills back."""
    cancelled = order_transition(order=order, to=Order.Status.CANCELLED, by=by, reason=reason)
    order_compensate(cancelled)  # best effort now; reconcile finishes what an outage interrupts
    cancelled.refresh_from_db()
    return cancelled
