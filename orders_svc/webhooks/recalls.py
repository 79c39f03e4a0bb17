"""Recall notices. A recall happens in catalog, which calls no one; orders knows who bought
what, so orders pulls catalog's recall feed after its cursor and turns each shipment of a
recalled lot into a ``recall.notice`` for the buyer, in the same transaction as it moves the
cursor (and each notice has a dedupe key, so a pull repeated after a crash adds nothing).
Orders still holding stock on a recalled lot have their lots read again from catalog, which
has moved those holds (``orders.services.lots``)."""

from django.db import transaction

from common.clients.traceability import Recall, ShippedLot
from orders import upstreams
from orders.models import Order
from orders.services.lots import orders_allocations_refresh
from webhooks.models import EventType, RecallCursor
from webhooks.outbox import event_record

PARTIAL_SUFFIX = "-partial"  # a backordered order's reservation reference (placement)


def _notice(recall: Recall, shipment: ShippedLot, order: Order) -> dict:
    return {
        "recall": {
            "lot_number": recall.lot_number,
            "expiry_date": recall.expiry_date.isoformat(),
            "gtin": recall.gtin,
            "ndc": recall.ndc,
            "drug": recall.drug,
            "reason": recall.reason,
            "recalled_at": recall.recalled_at.isoformat(),
        },
        "order": {"id": order.pk, "number": order.number},
        "quantity": shipment.quantity,
        "serials": list(shipment.serials),
        "shipped_at": shipment.shipped_at.isoformat(),
    }


def recalls_pull(*, pages: int = 10) -> int:
    """Turn new recalls into notices; how many notices were recorded."""
    recorded = 0
    for _ in range(pages):
        cursor, _ = RecallCursor.objects.get_or_create(pk=1)
        page = upstreams.traceability().recalls_after(cursor.after)
        if not page.results:
            return recorded
        for recall in page.results:  # idempotent, so outside the cursor's transaction
            orders_allocations_refresh(lot=recall.lot)
        with transaction.atomic():
            locked = RecallCursor.objects.select_for_update().get(pk=1)
            if locked.after != cursor.after:
                return recorded  # another run moved it meanwhile
            for recall in page.results:
                for shipment in recall.shipments:
                    number = shipment.order_ref.removesuffix(PARTIAL_SUFFIX)
                    order = Order.objects.filter(number=number).first()
                    if order is None or order.buyer_org is None:
                        continue
                    recorded += bool(
                        event_record(
                            type=EventType.RECALL_NOTICE,
                            organization=order.buyer_org,
                            data=_notice(recall, shipment, order),
                            dedupe_key=f"recall:{recall.id}:{shipment.order_ref}:{recall.lot}",
                        )
                    )
            locked.after = page.next_after
            locked.save(update_fields=["after", "updated_at"])
    return recorded
