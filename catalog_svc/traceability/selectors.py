"""What left with whom, for the platform service that sold it (orders): the shipments of a
reservation with their serials, and the feed of recalls with every shipment each lot reached.

Catalog calls no one (ARCHITECTURE.md), so a recall is not pushed to orders: orders pulls this
feed after a cursor (the last recall event it has seen) on a schedule.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from inventory.models import LotEvent, LotStatus, SerialNumber, Shipment

# A recall's event row gets its id when the transaction starts writing and is visible when it
# commits; a feed read in between could pass over it. Recalls commit within seconds, so the
# feed serves only events at least this old: a cursor never moves past one not yet visible.
RECALL_FEED_SETTLE_SECONDS = 30
MAX_FEED_PAGE = 100


def _shipments() -> QuerySet[Shipment]:
    serials = SerialNumber.objects.order_by("serial").only("serial", "shipment_id")
    return (
        Shipment.objects.select_related("lot__warehouse", "drug")
        .prefetch_related(Prefetch("serials", queryset=serials))
        .order_by("shipped_at", "pk")
    )


def reservation_shipments(*, reservation_id: int) -> QuerySet[Shipment]:
    return _shipments().filter(reservation_id=reservation_id)


@dataclass(frozen=True)
class Recall:
    id: int  # the lot event's id: the feed's cursor
    lot: int
    lot_number: str
    expiry_date: date
    drug: int
    gtin: str
    ndc: str
    reason: str
    recalled_at: datetime
    shipments: list[Shipment]


def recalls_after(*, after: int, limit: int = MAX_FEED_PAGE) -> list[Recall]:
    """Recalls whose event id is above ``after``, oldest first, each with its shipments."""
    settled = timezone.now() - timedelta(seconds=RECALL_FEED_SETTLE_SECONDS)
    events = (
        LotEvent.objects.filter(pk__gt=after, to_status=LotStatus.RECALLED, created_at__lte=settled)
        .select_related("lot__drug")
        .order_by("pk")[: min(limit, MAX_FEED_PAGE)]
    )
    events = list(events)
    by_lot: dict[int, list[Shipment]] = {}
    for shipment in _shipments().filter(lot_id__in={event.lot_id for event in events}):
        by_lot.setdefault(shipment.lot_id, []).append(shipment)
    return [
        Recall(
            id=event.pk,
            lot=event.lot_id,
            lot_number=event.lot.lot_number,
            expiry_date=event.lot.expiry_date,
            drug=event.lot.drug_id,
            gtin=event.lot.drug.gtin,
            ndc=event.lot.drug.ndc,
            reason=event.reason,
            recalled_at=event.created_at,
            shipments=by_lot.get(event.lot_id, []),
        )
        for event in events
    ]
