"""An order's traceability as a GS1 EPCIS 2.0 document (JSON-LD), for trading partners.

One ``ObjectEvent`` per warehouse the order shipped from — bizStep ``shipping``, disposition
``in_transit``, from the seller (owning party) and its warehouse (location) to the buyer —
listing serialized packages in ``epcList`` and the rest by lot in ``quantityList``; and, once
the buyer reported delivery, a ``receiving`` event (disposition ``in_progress``) at the buyer.
Packages are GS1 Digital Link URIs (``https://id.gs1.org/01/<GTIN>/21/<serial>``; a lot:
``…/01/<GTIN>/10/<lot>``); parties and places, which hold no GLN on the platform, are the
platform's own URIs. Event ids are stable UUID URNs, so a partner can drop duplicates.
"""

import dataclasses
import uuid
from collections import defaultdict
from datetime import datetime
from urllib.parse import quote

from django.utils import timezone

from common.clients.traceability import ShippedLot
from orders.models import Order

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
DIGITAL_LINK = "https://id.gs1.org"
PLATFORM_ID = "https://pharmaconnect.example/id"
EVENT_NAMESPACE = uuid.UUID("6f1c2b1e-6a43-4f3e-9a4e-4c0b7d6f2e11")


def _gs1_value(value: str) -> str:
    return quote(value, safe="")  # GS1 Digital Link percent-encodes lot and serial


def sgtin_uri(gtin: str, serial: str) -> str:
    return f"{DIGITAL_LINK}/01/{gtin}/21/{_gs1_value(serial)}"


def lgtin_uri(gtin: str, lot_number: str) -> str:
    return f"{DIGITAL_LINK}/01/{gtin}/10/{_gs1_value(lot_number)}"


def organization_uri(org_id: int) -> str:
    return f"{PLATFORM_ID}/organization/{org_id}"


def warehouse_uri(warehouse_id: int) -> str:
    return f"{PLATFORM_ID}/warehouse/{warehouse_id}"


def _time(at: datetime) -> tuple[str, str]:
    at = timezone.localtime(at, timezone.get_fixed_timezone(0))
    return at.isoformat().replace("+00:00", "Z"), "+00:00"


def _what(shipped: list[ShippedLot]) -> dict:
    """Serials as instances, the rest of each lot (if any) as a class-level quantity."""
    epcs, quantities = [], []
    for lot in shipped:
        epcs.extend(sgtin_uri(lot.gtin, serial) for serial in lot.serials)
        unserialized = lot.quantity - len(lot.serials)
        if unserialized:
            quantities.append(
                {"epcClass": lgtin_uri(lot.gtin, lot.lot_number), "quantity": unserialized}
            )
    what = {}
    if epcs:
        what["epcList"] = epcs
    if quantities:
        what["quantityList"] = quantities
    return what


def _event(order: Order, step: str, key: str, at: datetime, **fields) -> dict:
    event_time, offset = _time(at)
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:{uuid.uuid5(EVENT_NAMESPACE, f'{order.number}:{step}:{key}')}",
        "eventTime": event_time,
        "eventTimeZoneOffset": offset,
        **fields,
        "bizTransactionList": [
            {"type": "po", "bizTransaction": f"{PLATFORM_ID}/order/{order.number}"}
        ],
    }


def _accepted(order: Order, shipped: list[ShippedLot]) -> list[ShippedLot]:
    """What the buyer accepted, lot by lot: everything if nothing was refused; otherwise the
    accepted count of each line taken from its lots in shipping order, by lot only (which
    serials were refused the delivery report does not say)."""
    lines = {line.drug: line for line in order.lines.all()}
    if not any(line.rejected_quantity for line in lines.values()):
        return shipped
    left = {drug: line.accepted_quantity or 0 for drug, line in lines.items()}
    accepted = []
    for lot in shipped:
        take = min(lot.quantity, left.get(lot.drug, 0))
        left[lot.drug] = left.get(lot.drug, 0) - take
        if take:
            accepted.append(dataclasses.replace(lot, quantity=take, serials=()))
    return accepted


def epcis_document(*, order: Order, shipped: list[ShippedLot]) -> dict:
    by_warehouse: dict[int, list[ShippedLot]] = defaultdict(list)
    for lot in shipped:
        by_warehouse[lot.warehouse].append(lot)
    buyer = organization_uri(order.buyer_org)
    events = [
        _event(
            order,
            "shipping",
            str(warehouse),
            order.shipped_at,
            action="OBSERVE",
            **_what(lots),
            bizStep="shipping",
            disposition="in_transit",
            readPoint={"id": warehouse_uri(warehouse)},
            sourceList=[
                {"type": "owning_party", "source": organization_uri(order.seller_org)},
                {"type": "location", "source": warehouse_uri(warehouse)},
            ],
            destinationList=[
                {"type": "owning_party", "destination": buyer},
                {"type": "location", "destination": buyer},
            ],
        )
        for warehouse, lots in sorted(by_warehouse.items())
    ]
    accepted = _accepted(order, shipped) if order.status == Order.Status.DELIVERED else []
    if accepted:
        events.append(
            _event(
                order,
                "receiving",
                "buyer",
                order.delivered_at,
                action="OBSERVE",
                **_what(accepted),
                bizStep="receiving",
                disposition="in_progress",
                readPoint={"id": buyer},
                bizLocation={"id": buyer},
                sourceList=[{"type": "owning_party", "source": organization_uri(order.seller_org)}],
                destinationList=[{"type": "owning_party", "destination": buyer}],
            )
        )
    return {
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": _time(timezone.now())[0],
        "epcisBody": {"eventList": events},
    }
