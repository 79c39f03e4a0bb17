"""Recording events: always inside the transaction of the change they report (the outbox), so
an event exists exactly when its change committed, and a crash loses neither."""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from common.prepared import AnyOf, PreparedQuery
from orders.models import Order
from webhooks.models import Delivery, Endpoint, Event, EventType

ORDER_EVENTS = {
    Order.Status.CONFIRMED: EventType.ORDER_CONFIRMED,
    Order.Status.SHIPPED: EventType.ORDER_SHIPPED,
    Order.Status.DELIVERED: EventType.ORDER_DELIVERED,
    Order.Status.CANCELLED: EventType.ORDER_CANCELLED,
}


def event_record(
    *, type: str, organization: int, data: dict, dedupe_key: str | None = None
) -> Event | None:
    """An event for ``organization`` and a delivery to each of its active endpoints that
    chose ``type``; nothing when none did, or when ``dedupe_key`` was recorded before."""
    endpoints = _subscribers(type, [organization]).get(organization, [])
    return _event_write(
        type=type, organization=organization, data=data, endpoints=endpoints, dedupe_key=dedupe_key
    )


# Read on every order confirmed, shipped, delivered or cancelled: compiled once per process.
_active_endpoints = PreparedQuery(
    lambda: Endpoint.objects.filter(organization=AnyOf("organizations"), active=True)
)


def _subscribers(type: str, organizations: list[int]) -> dict[int, list[Endpoint]]:
    """The active endpoints of ``organizations`` that chose ``type``, by organization."""
    chosen: dict[int, list[Endpoint]] = {}
    for endpoint in _active_endpoints(organizations=organizations):
        if type in endpoint.events:
            chosen.setdefault(endpoint.organization, []).append(endpoint)
    return chosen


def _event_write(
    *, type: str, organization: int, data: dict, endpoints: list[Endpoint], dedupe_key: str | None
) -> Event | None:
    if not endpoints:
        return None
    now = timezone.now()
    event_id = f"evt_{uuid.uuid4().hex}"
    payload = {"id": event_id, "type": type, "timestamp": now.isoformat(), "data": data}
    try:
        with transaction.atomic():
            event = Event.objects.create(
                id=event_id,
                type=type,
                organization=organization,
                payload=payload,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None  # this dedupe key was recorded already
    Delivery.objects.bulk_create(
        Delivery(event=event, endpoint=endpoint, window_started_at=now, next_attempt_at=now)
        for endpoint in endpoints
    )
    return event


def order_data(order: Order) -> dict:
    return {
        "order": {
            "id": order.pk,
            "number": order.number,
            "status": order.status,
            "buyer_org": order.buyer_org,
            "seller_org": order.seller_org,
            "total": str(order.total) if order.total is not None else None,
            "currency": order.currency,
            "shipped_at": order.shipped_at.isoformat() if order.shipped_at else None,
            "delivered_at": order.delivered_at.isoformat() if order.delivered_at else None,
            "lines": [
                {
                    "line": line.line_no,
                    "drug": line.drug,
                    "ndc": line.ndc,
                    "quantity": line.quantity,
                    "accepted": line.accepted_quantity,
                    "rejected": line.rejected_quantity,
                    "lots": line.shipped_lots or line.allocations,
                }
                for line in order.lines.all()
            ],
        }
    }


def order_event_record(*, order: Order, to: str) -> None:
    """The order reached ``to``: its buyer and its seller each get the event if they asked.
    Call inside the transition's transaction."""
    event_type = ORDER_EVENTS.get(to)
    if event_type is None or order.channel != Order.Channel.B2B:
        return
    organizations = sorted({order.buyer_org, order.seller_org} - {None})
    subscribers = _subscribers(event_type, organizations)  # one query for both sides
    if not subscribers:
        return  # nobody asked: the order's lines are not even read
    data = order_data(order)
    for organization in organizations:
        _event_write(
            type=event_type,
            organization=organization,
            data=data,
            endpoints=subscribers.get(organization, []),
            dedupe_key=None,
        )
