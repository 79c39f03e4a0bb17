"""Shipping (the distributor), proof of delivery (the buyer) and the DSCSA record (both)."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import NotFound
from common.permissions import has_role
from fulfillment import services
from fulfillment.models import TransactionRecord
from fulfillment.serializers import TransactionRecordOut
from orders.apis import ORDERS_SCOPES
from orders.selectors import order_visible
from orders.serializers import DeliverIn, OrderOut, ShipIn, order_body


class OrderShipApi(APIView):
    required_scopes = ORDERS_SCOPES
    permission_classes = [has_role("distributor")]

    @extend_schema(request=ShipIn, responses=OrderOut)
    def post(self, request, pk: int):
        order = order_visible(principal=request.user, pk=pk)
        payload = ShipIn(data=request.data)
        payload.is_valid(raise_exception=True)
        shipped = services.order_ship(
            order=order, by=request.user.actor, shipped_at=payload.validated_data.get("shipped_at")
        )
        return Response(order_body(shipped))


class OrderDeliverApi(APIView):
    required_scopes = ORDERS_SCOPES
    permission_classes = [has_role("hospital", "pharmacy", "patient")]

    @extend_schema(request=DeliverIn, responses=OrderOut)
    def post(self, request, pk: int):
        order = order_visible(principal=request.user, pk=pk)
        payload = DeliverIn(data=request.data)
        payload.is_valid(raise_exception=True)
        received = [services.Received(**item) for item in payload.validated_data["received"]]
        delivered = services.order_deliver(order=order, by=request.user.actor, received=received)
        return Response(order_body(delivered))


class TransactionRecordApi(APIView):
    required_scopes = ORDERS_SCOPES
    permission_classes = [has_role("hospital", "pharmacy", "patient", "distributor", "admin")]

    @extend_schema(responses=TransactionRecordOut)
    def get(self, request, pk: int):
        order = order_visible(principal=request.user, pk=pk)
        record = TransactionRecord.objects.filter(order=order).first()
        if record is None:
            raise NotFound(
                "The order has not shipped: it has no transaction record yet.", code="not_shipped"
            )
        return Response(TransactionRecordOut(record).data)
