"""After confirmation: shipping (stock leaves, the DSCSA record is written,
chargebacks are reported) and proof of delivery."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.errors import ApplicationError, ValidationFailed
from fulfillment.dscsa import transaction_record_document
from fulfillment.models import ChargebackReport, TransactionRecord
from orders import upstreams
from orders.models import Order, OrderLine
from orders.services.lots import reservation_lots
from orders.services.transitions import (
    order_lock,
    order_status_check,
    order_transition,
    reservation_transition,
)


def _organization(org_id: int | None):
    if org_id is None:
        return None
    try:
        return upstreams.auth().organization(org_id)
    except ApplicationError:  # names are a courtesy; the ids make the record
        return None


def order_ship(*, order: Order, by: str, shipped_at: datetime | None = None) -> Order:
    """Commit the reservation (stock leaves the warehouse) and record the lots of every line,
    the DSCSA transaction record and the chargeback lines, all in one transaction.

    The order's row stays locked from the status check to the commit at catalog and the
    move: a cancel racing the shipment waits, then finds the order shipped (409), and a
    shipment racing a cancel finds it cancelled before any stock leaves."""
    shipped_at = shipped_at or timezone.now()
    if shipped_at > timezone.now() + timezone.timedelta(minutes=5):
        raise ValidationFailed(
            "A shipment cannot be dated in the future.", code="shipped_in_future"
        )
    seller, buyer = _organization(order.seller_org), _organization(order.buyer_org)
    with transaction.atomic():
        locked = order_lock(order.pk)
        order_status_check(order=locked, to=Order.Status.SHIPPED)
        commit = upstreams.catalog().commit(
            locked.reservation_id,
            shipped_at=shipped_at,
            buyer_org=locked.buyer_org,
            idempotency_key=f"{locked.number}-ship",  # a retry after a rollback ships once
        )
        lots = reservation_lots(commit)
        lines = list(locked.lines.all())
        for line in lines:
            line.shipped_lots = lots.get(line.drug, [])
        OrderLine.objects.bulk_update(lines, ["shipped_lots"])
        reservation_transition(order=locked, to=Order.ReservationState.COMMITTED)
        shipped = order_transition(
            order=locked, to=Order.Status.SHIPPED, by=by, changes={"shipped_at": shipped_at}
        )
        TransactionRecord.objects.create(
            order=shipped,
            document=transaction_record_document(order=shipped, seller=seller, buyer=buyer),
        )
        ChargebackReport.objects.bulk_create(
            ChargebackReport(order=shipped, line=line, payload=_chargeback_payload(shipped, line))
            for line in lines
            if line.quantity and shipped.buyer_org is not None
        )
        transaction.on_commit(chargebacks_report)
    return shipped


def _chargeback_payload(order: Order, line: OrderLine) -> dict:
    return {
        "order_ref": order.number,
        "buyer_org": order.buyer_org,
        "drug": line.drug,
        "quantity": line.quantity,
        "contract_id": line.contract_id or None,
        "unit_price": str(line.unit_price),
        "shipped_at": order.shipped_at.isoformat(),
    }


def chargebacks_report(limit: int = 200) -> int:
    """Send unsent shipped lines to pricing; what fails stays for the next run."""
    sent = 0
    for report in ChargebackReport.objects.filter(sent_at__isnull=True).order_by("id")[:limit]:
        try:
            upstreams.pricing().report_shipment(**report.payload)
        except ApplicationError as exc:
            ChargebackReport.objects.filter(pk=report.pk).update(
                attempts=F("attempts") + 1, last_error=exc.code[:200]
            )
            if exc.status >= 500:
                break  # pricing is down: stop for now
            continue
        ChargebackReport.objects.filter(pk=report.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


@dataclass(frozen=True)
class Received:
    line: int
    accepted: int
    rejected: int
    reason: str


@transaction.atomic
def order_deliver(*, order: Order, by: str, received: list[Received]) -> Order:
    """Proof of delivery: for every shipped line, how many units were accepted and rejected."""
    locked = order_lock(order.pk)
    order_status_check(order=locked, to=Order.Status.DELIVERED)
    lines = {line.line_no: line for line in locked.lines.all()}
    reported = {item.line for item in received}
    if len(reported) != len(received) or reported != {
        n for n, line in lines.items() if line.quantity
    }:
        raise ValidationFailed(
            "Report every shipped line exactly once.", code="delivery_lines_mismatch"
        )
    for item in received:
        line = lines[item.line]
        if item.accepted + item.rejected != line.quantity:
            raise ValidationFailed(
                f"Line {item.line}: accepted + rejected must equal the {line.quantity} shipped.",
                code="delivery_quantity_mismatch",
            )
        if item.rejected and not item.reason:
            raise ValidationFailed(
                f"Line {item.line}: say why units were rejected.", code="reason_required"
            )
        line.accepted_quantity, line.rejected_quantity = item.accepted, item.rejected
        line.rejection_reason = item.reason
    OrderLine.objects.bulk_update(
        list(lines.values()), ["accepted_quantity", "rejected_quantity", "rejection_reason"]
    )
    return order_transition(
        order=locked, to=Order.Status.DELIVERED, by=by, changes={"delivered_at": timezone.now()}
    )
