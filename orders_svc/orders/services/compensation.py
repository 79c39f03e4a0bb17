"""Undoing what an order that did not go through (rejected, cancelled, abandoned) still holds:
its stock reservation and the prescription fills it used."""

import logging

from django.utils import timezone

from common.errors import ApplicationError
from common.transitions import InvalidTransition
from orders import upstreams
from orders.models import ConsumedFill, Order
from orders.services.transitions import reservation_transition

log = logging.getLogger(__name__)


def order_compensate(order: Order) -> None:
    """Give back the order's stock and fills; what cannot be undone now, ``reconcile``
    retries. Never raises: an upstream that is down leaves the step for later."""
    if order.reservation_state == Order.ReservationState.HELD and order.reservation_id:
        try:
            upstreams.catalog().release(order.reservation_id)
            reservation_transition(order=order, to=Order.ReservationState.RELEASED)
        except InvalidTransition:
            pass  # a concurrent run (cancel, reconcile) recorded the release first
        except ApplicationError as exc:
            log.warning(
                "reservation release deferred", extra={"order": order.pk, "error": exc.code}
            )
    for fill in ConsumedFill.objects.filter(order=order, reverted_at__isnull=True):
        try:
            upstreams.rx().revert(fill.prescription, order_ref=order.number)
            ConsumedFill.objects.filter(pk=fill.pk).update(reverted_at=timezone.now())
        except ApplicationError as exc:
            log.warning(
                "prescription fill give-back deferred", extra={"order": order.pk, "error": exc.code}
            )
