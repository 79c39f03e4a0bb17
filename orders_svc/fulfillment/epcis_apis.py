"""``GET /api/orders/{id}/epcis/``: the order's EPCIS 2.0 document, for its buyer and its
seller (``orders:read``); another organization's order does not exist (404)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import NotFound
from common.permissions import has_role
from fulfillment.epcis import epcis_document
from orders import upstreams
from orders.apis import ORDERS_SCOPES
from orders.models import Order
from orders.selectors import order_visible


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class OrderEpcisApi(APIView):
    required_scopes = ORDERS_SCOPES
    permission_classes = [has_role("hospital", "pharmacy", "distributor")]
    renderer_classes = [JSONLDRenderer, JSONRenderer]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        summary="The order's GS1 EPCIS 2.0 document: shipping, and receiving once delivered.",
    )
    def get(self, request, pk: int):
        order = order_visible(principal=request.user, pk=pk)
        shipped = order.status in (Order.Status.SHIPPED, Order.Status.DELIVERED)
        if order.channel != Order.Channel.B2B or not shipped or not order.reservation_id:
            raise NotFound("The order has not shipped: it has no EPCIS events.", code="not_shipped")
        lots = upstreams.traceability().reservation_shipments(int(order.reservation_id))
        return Response(epcis_document(order=order, shipped=list(lots)))
