"""Settling what a crash or an outage left half-done. Safe to run at any time, repeatedly
(every step is idempotent): ``manage.py reconcile``, on a schedule."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from common.errors import ApplicationError, Conflict, UpstreamUnavailable
from fulfillment.services import chargebacks_report
from orders.models import ConsumedFill, Order
from orders.services.compensation import order_compensate
from orders.services.holds import first_hold, hold_record
from orders.services.transitions import order_transition

RECONCILER = "system:reconcile"


@dataclass(frozen=True)
class Settled:
    abandoned: int
    compensated: int
    chargebacks_sent: int


def orders_reconcile() -> Settled:
    cutoff = timezone.now() - timezone.timedelta(seconds=settings.ORDERS_PENDING_TIMEOUT_SECONDS)
    abandoned = 0
    for order in Order.objects.filter(status=Order.Status.PENDING, created_at__lt=cutoff):
        if not _hold_found(order):
            continue  # catalog could not say: the next round asks again
        order_compensate(order)
        try:
            order_transition(
                order=order,
                to=Order.Status.REJECTED,
                by=RECONCILER,
                reason="abandoned",
                # Its request was never answered (the replica died mid-placement): free its
                # Idempotency-Key, as a 5xx answer does, so that the client's retry places the
                # order anew instead of hearing "in progress" forever.
                changes={
                    "reason_code": "abandoned",
                    "reason_detail": "Placement did not finish.",
                    "idempotency_key": None,
                },
            )
            abandoned += 1
        except Conflict:  # it finished after all, between our read and the lock
            continue
    unreverted = ConsumedFill.objects.filter(order=OuterRef("pk"), reverted_at__isnull=True)
    finished = Order.objects.filter(
        status__in=[Order.Status.REJECTED, Order.Status.CANCELLED]
    ).filter(Q(reservation_state=Order.ReservationState.HELD) | Exists(unreverted))
    compensated = 0
    for order in finished:
        order_compensate(order)
        compensated += 1
    return Settled(
        abandoned=abandoned, compensated=compensated, chargebacks_sent=chargebacks_report()
    )


def _hold_found(order: Order) -> bool:
    """Make sure an abandoned order knows its hold, if it has one: its first hold is created
    confirmed and would never lapse by itself, and a crash may have come between catalog
    making it and the order recording it. The same request again answers that hold (or makes
    it now, to be released with the rest). False while catalog cannot be asked."""
    if order.reservation_id:
        return True
    requested = {line.drug: line.requested_quantity for line in order.lines.all()}
    try:
        hold_record(order, first_hold(order, requested))
    except UpstreamUnavailable:
        return False
    except ApplicationError as refusal:
        if refusal.code == "idempotency_key_in_progress":
            return False  # the first request is still being answered
        # refused (no stock, say): nothing is held under the order's reference
    order.refresh_from_db()
    return True
