"""The order's two state machines and the one way each moves (``common.transitions``).

A move joins the caller's transaction without a savepoint (``transaction_joined``): a
refused move raises through the caller's ``atomic``, which rolls it all back, and no caller
catches a refusal to carry on in the same transaction.

``status`` is the order's life (API.md); every move writes an event row and the webhook
outbox row in the same transaction. ``reservation_state`` follows the stock catalog holds
for the order: nothing yet, held, then released (the order did not go through) or committed
(it shipped).
"""

from common.saving import insert_rows
from common.transactions import transaction_joined
from common.transitions import transition_apply, transition_check
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

R = Order.ReservationState
RESERVATION_TRANSITIONS: dict[str, set[str]] = {
    "": {R.HELD},
    R.HELD: {R.RELEASED, R.COMMITTED},
    R.RELEASED: set(),
    R.COMMITTED: set(),
}


def order_lock(order_id: int) -> Order:
    """The order, its row locked until the caller's transaction ends."""
    return Order.objects.select_for_update().get(pk=order_id)


def order_status_check(*, order: Order, to: str) -> None:
    """Refuse (409 ``invalid_transition``) unless ``order`` may move to ``to`` now; callers
    hold the row lock, so nothing can move it before they do."""
    transition_check(table=TRANSITIONS, current=order.status, to=to, subject=_subject(order))


def order_transition(
    *, order: Order, to: str, by: str, reason: str = "", changes: dict | None = None
) -> Order:
    """Move ``order`` to ``to`` if ``TRANSITIONS`` allows it from the status read under the
    row lock (else 409 ``invalid_transition``), setting ``changes`` with it; ``by`` is the
    actor (``Principal.actor``, ``admin_actor`` or ``system:<job>``)."""

    def record(previous: str, to: str) -> None:
        insert_rows(
            [OrderEvent(order=order, from_status=previous, to_status=to, by=by, reason=reason)]
        )
        order_event_record(order=order, to=to)  # the webhook outbox, in this transaction

    with transaction_joined():
        transition_apply(
            order,
            to,
            table=TRANSITIONS,
            subject=_subject(order),
            changes=changes,
            record=record,
        )
    return order


def reservation_transition(*, order: Order, to: str, changes: dict | None = None) -> Order:
    """Move the order's ``reservation_state`` to ``to`` if ``RESERVATION_TRANSITIONS`` allows
    it (else 409 ``invalid_transition``)."""
    with transaction_joined():
        transition_apply(
            order,
            to,
            table=RESERVATION_TRANSITIONS,
            subject=f"The stock held for order {order.number}",
            field="reservation_state",
            changes=changes,
        )
    return order


def _subject(order: Order) -> str:
    return f"Order {order.number}"
