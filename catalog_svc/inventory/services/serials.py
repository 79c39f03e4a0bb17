"""Serialized packages leaving with a shipment: which serials went where (DSCSA traceability;
EPCIS lists them, verification reads them)."""

from collections.abc import Iterable

from inventory.models import SerialNumber, SerialStatus, Shipment


def serials_ship(*, shipments: Iterable[Shipment]) -> int:
    """Mark as many of each lot's in-stock serials as the shipment carries (oldest received
    first) shipped with it; a lot received without serials ships none. Inside the commit's
    transaction, with its lots locked, so two shipments never take the same serial."""
    shipped = 0
    for shipment in shipments:
        picked = list(
            SerialNumber.objects.filter(lot_id=shipment.lot_id, status=SerialStatus.IN_STOCK)
            .order_by("pk")
            .values_list("pk", flat=True)[: shipment.quantity]
        )
        shipped += SerialNumber.objects.filter(pk__in=picked).update(
            status=SerialStatus.SHIPPED, shipment=shipment
        )
    return shipped
