"""A hospital's orders as FHIR (read-only): each order line is a ``SupplyRequest`` (FHIR's has
one item) and, once it has shipped, a ``SupplyDelivery`` (in progress until the buyer reports
delivery, then completed, with what was accepted). Ids are ``<order id>-<line no>``.

The buyer organization and the distributor fulfilling the order read them, as they read the
orders (``selectors.orders_visible_to``); business-to-business orders only.
"""

import re

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from common.errors import NotFound
from common.fhir import (
    NDC_SYSTEM,
    PLATFORM,
    FhirApiView,
    ServedResource,
    reference_to_organization,
    searchset,
)
from common.permissions import has_role
from common.scopes import resource_scopes
from orders.models import Order, OrderLine
from orders.selectors import orders_visible_to

S = Order.Status
ORDER_SYSTEM = f"{PLATFORM}/sid/order-line"
LOT_EXTENSION = f"{PLATFORM}/StructureDefinition/lot"
SUPPLY_ITEM_TYPES = "http://terminology.hl7.org/CodeSystem/supply-item-type"
REQUEST_STATUS = {
    S.PENDING: "draft",
    S.CONFIRMED: "active",
    S.SHIPPED: "active",
    S.DELIVERED: "completed",
    S.CANCELLED: "cancelled",
    S.REJECTED: "cancelled",
}
DELIVERY_STATUS = {S.SHIPPED: "in-progress", S.DELIVERED: "completed"}
RESOURCE_ID = re.compile(r"^(\d{1,10})-(\d{1,5})$")
MAX_SEARCH_LINES = 200
SEARCH = {"identifier": "token", "status": "token"}
DOC = "Scope orders:read. One per order line, id <order id>-<line no>; identifier = order number."
SUPPLY_REQUEST = ServedResource("SupplyRequest", SEARCH, DOC)
SUPPLY_DELIVERY = ServedResource("SupplyDelivery", SEARCH, DOC + " Shipped lines only.")
Readers = has_role("hospital", "pharmacy", "distributor")


def _identifier(line: OrderLine) -> list[dict]:
    return [{"system": ORDER_SYSTEM, "value": f"{line.order.number}/{line.line_no}"}]


def _item(line: OrderLine) -> dict:
    coding = [{"system": NDC_SYSTEM, "code": line.ndc, "display": line.name}] if line.ndc else []
    concept = {"text": line.name or f"drug {line.drug}"}
    return {"coding": coding, **concept} if coding else concept


def _id(line: OrderLine) -> str:
    return f"{line.order_id}-{line.line_no}"


def supply_request_resource(line: OrderLine) -> dict:
    order = line.order
    return {
        "resourceType": "SupplyRequest",
        "id": _id(line),
        "meta": {"lastUpdated": order.updated_at.isoformat()},
        "identifier": _identifier(line),
        "status": REQUEST_STATUS[order.status],
        "category": {"coding": [{"system": SUPPLY_ITEM_TYPES, "code": "medication"}]},
        "priority": "routine",
        "itemCodeableConcept": _item(line),
        "quantity": {"value": line.requested_quantity, "unit": "package"},
        "authoredOn": order.created_at.isoformat(),
        "requester": reference_to_organization(order.buyer_org),
        "supplier": [reference_to_organization(order.seller_org)],
        "deliverTo": reference_to_organization(order.buyer_org),
    }


def supply_delivery_resource(line: OrderLine) -> dict:
    order = line.order
    delivered = order.status == S.DELIVERED
    period = {"start": order.shipped_at.isoformat()}
    if delivered and order.delivered_at:
        period["end"] = order.delivered_at.isoformat()
    quantity = line.accepted_quantity if delivered else line.quantity
    supplied = {
        "quantity": {"value": quantity or 0, "unit": "package"},
        "itemCodeableConcept": _item(line),
    }
    lots = [
        {"url": LOT_EXTENSION, "valueString": f"{lot['lot_number']} (exp {lot['expiry_date']})"}
        for lot in line.shipped_lots
    ]
    if lots:
        supplied["extension"] = lots
    return {
        "resourceType": "SupplyDelivery",
        "id": _id(line),
        "meta": {"lastUpdated": order.updated_at.isoformat()},
        "identifier": _identifier(line),
        "basedOn": [{"reference": f"SupplyRequest/{_id(line)}"}],
        "status": DELIVERY_STATUS[order.status],
        "type": {"coding": [{"system": SUPPLY_ITEM_TYPES, "code": "medication"}]},
        "suppliedItem": supplied,
        "occurrencePeriod": period,
        "supplier": reference_to_organization(order.seller_org),
    }


def _lines(request, *, shipped: bool) -> QuerySet[OrderLine]:
    orders = orders_visible_to(request.user).filter(channel=Order.Channel.B2B)
    if shipped:
        orders = orders.filter(status__in=DELIVERY_STATUS)
    return OrderLine.objects.filter(order__in=orders).select_related("order")


def _line(request, resource_id: str, *, shipped: bool) -> OrderLine:
    match = RESOURCE_ID.match(resource_id)
    line = None
    if match:
        order_id, line_no = (int(part) for part in match.groups())
        line = _lines(request, shipped=shipped).filter(order_id=order_id, line_no=line_no).first()
    if line is None:
        raise NotFound(f"No such resource {resource_id}.", code="not_found")
    return line


def _search(request, *, shipped: bool, statuses: dict, build) -> Response:
    lines = _lines(request, shipped=shipped)
    identifier = request.query_params.get("identifier", "").rpartition("|")[2]
    if identifier:
        number, _, line_no = identifier.partition("/")
        lines = lines.filter(order__number=number)
        lines = lines.filter(line_no=int(line_no)) if line_no.isdigit() else lines
    status = request.query_params.get("status")
    if status:
        lines = lines.filter(order__status__in=[s for s, v in statuses.items() if v == status])
    lines = lines.order_by("-order__created_at", "-order_id", "line_no")[:MAX_SEARCH_LINES]
    resources = [build(line) for line in lines]
    return Response(searchset(resources=resources, url=request.build_absolute_uri()))


SEARCH_PARAMETERS = [
    OpenApiParameter("identifier", str, description="An order number (PC-…), or number/line."),
    OpenApiParameter("status", str, description="The FHIR status."),
]


class SupplyRequestReadApi(FhirApiView):
    required_scopes = resource_scopes("orders")
    permission_classes = [Readers]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="fhir_supply_request_read")
    def get(self, request, resource_id: str):
        return Response(supply_request_resource(_line(request, resource_id, shipped=False)))


class SupplyRequestSearchApi(FhirApiView):
    required_scopes = resource_scopes("orders")
    permission_classes = [Readers]

    @extend_schema(
        parameters=SEARCH_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT},
        operation_id="fhir_supply_request_search",
    )
    def get(self, request):
        return _search(
            request, shipped=False, statuses=REQUEST_STATUS, build=supply_request_resource
        )


class SupplyDeliveryReadApi(FhirApiView):
    required_scopes = resource_scopes("orders")
    permission_classes = [Readers]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="fhir_supply_delivery_read")
    def get(self, request, resource_id: str):
        return Response(supply_delivery_resource(_line(request, resource_id, shipped=True)))


class SupplyDeliverySearchApi(FhirApiView):
    required_scopes = resource_scopes("orders")
    permission_classes = [Readers]

    @extend_schema(
        parameters=SEARCH_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT},
        operation_id="fhir_supply_delivery_search",
    )
    def get(self, request):
        return _search(
            request, shipped=True, statuses=DELIVERY_STATUS, build=supply_delivery_resource
        )
