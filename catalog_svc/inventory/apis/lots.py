"""Lots: list, status history, quarantine, release and recall."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.principals import owner_scope
from common.errors import NotFound
from common.idempotency import idempotent
from inventory.apis.access import INVENTORY_SCOPES, BackOffice
from inventory.filters import LotFilter
from inventory.models import Lot, LotEvent, LotStatus
from inventory.selectors import lot_get, lot_list
from inventory.serializers import LotEventOut, LotOut, ReasonIn, RecallOut
from inventory.services import lot_recall, lot_transition


class LotListApi(generics.ListAPIView):
    required_scopes = INVENTORY_SCOPES
    permission_classes = [BackOffice]
    queryset = Lot.objects.none()  # the model, for the schema; get_queryset scopes
    serializer_class = LotOut
    filterset_class = LotFilter

    def get_queryset(self):
        return lot_list(owner_org=owner_scope(self.request.user))


class LotEventListApi(generics.ListAPIView):
    """The audit trail of one lot's status: who, when, from, to, why."""

    required_scopes = INVENTORY_SCOPES

    permission_classes = [BackOffice]
    queryset = LotEvent.objects.none()
    serializer_class = LotEventOut

    def get_queryset(self):
        lot = lot_get(lot_id=self.kwargs["lot_id"], owner_org=owner_scope(self.request.user))
        if lot is None:
            raise NotFound("No such lot in your warehouses.")
        return LotEvent.objects.filter(lot=lot).order_by("created_at", "pk")


class _LotTransitionApi(APIView):
    required_scopes = INVENTORY_SCOPES
    permission_classes = [BackOffice]
    target: LotStatus

    def post(self, request, lot_id: int):
        payload = ReasonIn(data=request.data)
        payload.is_valid(raise_exception=True)
        result = lot_transition(
            lot_id=lot_id,
            to=self.target,
            actor=request.user.actor,
            reason=payload.validated_data["reason"],
            owner_org=owner_scope(request.user),
        )
        return Response(LotOut(result.lot).data)


@extend_schema(request=ReasonIn, responses=LotOut, summary="Quarantine a lot (no more sales).")
class LotQuarantineApi(_LotTransitionApi):
    target = LotStatus.QUARANTINED


@extend_schema(request=ReasonIn, responses=LotOut, summary="Release a lot from quarantine.")
class LotReleaseApi(_LotTransitionApi):
    target = LotStatus.AVAILABLE


class LotRecallApi(APIView):
    required_scopes = INVENTORY_SCOPES
    permission_classes = [BackOffice]

    @extend_schema(
        request=ReasonIn,
        responses={status.HTTP_200_OK: RecallOut},
        summary="Recall a lot; lists every shipment that carried it.",
    )
    @idempotent()
    def post(self, request, lot_id: int):
        payload = ReasonIn(data=request.data)
        payload.is_valid(raise_exception=True)
        result = lot_recall(
            lot_id=lot_id,
            actor=request.user.actor,
            reason=payload.validated_data["reason"],
            owner_org=owner_scope(request.user),
        )
        return Response(RecallOut(result).data)
