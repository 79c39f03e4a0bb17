"""Traceability reads for the platform service that places and ships orders (scope
``inventory:reserve``: the same service token that reserved and committed the stock)."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.apis.access import RESERVER_SCOPES, Reserver
from traceability.selectors import recalls_after, reservation_shipments
from traceability.serializers import RecallFeedOut, RecallFeedParams, ShippedLotOut


class ReservationShipmentsApi(APIView):
    required_scopes = RESERVER_SCOPES
    permission_classes = [Reserver]

    @extend_schema(
        responses=ShippedLotOut(many=True),
        summary="What left with a committed reservation: lots, quantities, serials.",
    )
    def get(self, request, reservation_id: int):
        shipments = reservation_shipments(reservation_id=reservation_id)
        return Response(ShippedLotOut(shipments, many=True).data)


class RecallFeedApi(APIView):
    required_scopes = RESERVER_SCOPES
    permission_classes = [Reserver]

    @extend_schema(
        parameters=[RecallFeedParams],
        responses=RecallFeedOut,
        summary="Recalls after a cursor, oldest first, each with every shipment of the lot.",
    )
    def get(self, request):
        params = RecallFeedParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        after = params.validated_data["after"]
        recalls = recalls_after(after=after, limit=params.validated_data["limit"])
        body = {"results": recalls, "next_after": recalls[-1].id if recalls else after}
        return Response(RecallFeedOut(body).data)
