"""Reservations, for platform services only (scope ``inventory:reserve``)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import ApplicationError, NotFound
from common.idempotency import idempotent
from inventory.apis.access import RESERVER_SCOPES, Reserver
from inventory.metrics import reservations_total
from inventory.serializers import CommitIn, ReservationIn, ReservationOut
from inventory.services import (
    ReservationLineIn,
    reservation_commit,
    reservation_confirm,
    reservation_create,
    reservation_current,
    reservation_release,
)


def _reference_key(request) -> str | None:
    """Without an Idempotency-Key, the business reference makes a retry idempotent."""
    reference = request.data.get("reference") if hasattr(request.data, "get") else None
    return f"reservation-reference:{reference}" if isinstance(reference, str) else None


def _answer(reservation_id: int) -> Response:
    reservation = reservation_current(reservation_id=reservation_id)
    if reservation is None:
        raise NotFound("No such reservation.")
    return Response(ReservationOut(reservation).data)


class ReservationCreateApi(APIView):
    required_scopes = RESERVER_SCOPES
    permission_classes = [Reserver]

    @extend_schema(
        request=ReservationIn,
        responses={status.HTTP_201_CREATED: ReservationOut},
        summary="Hold stock FEFO for every line, or nothing (409 insufficient_stock); "
        "with confirm, a hold that waits for shipment.",
    )
    @idempotent(fallback_key=_reference_key)
    def post(self, request):
        payload = ReservationIn(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            reservation = reservation_create(
                reference=data["reference"],
                lines=[ReservationLineIn(**line) for line in data["lines"]],
                min_shelf_life_days=data["min_shelf_life_days"],
                client=request.user.actor,
                confirm=data["confirm"],
            )
        except ApplicationError as refusal:
            reservations_total.labels(refusal.code).inc()
            raise
        reservations_total.labels("held").inc()
        # The hold as just made (lines and lots in memory): no read back.
        return Response(ReservationOut(reservation).data, status=status.HTTP_201_CREATED)


class ReservationDetailApi(APIView):
    required_scopes = RESERVER_SCOPES
    permission_classes = [Reserver]

    @extend_schema(responses=ReservationOut)
    def get(self, request, reservation_id: int):
        return _answer(reservation_id)


class ReservationReleaseApi(APIView):
    required_scopes = RESERVER_SCOPES
    permission_classes = [Reserver]

    @extend_schema(request=None, responses=ReservationOut, summary="Give the stock back.")
    def post(self, request, reservation_id: int):
        reservation_release(reservation_id=reservation_id, actor=request.user.actor)
        return _answer(reservation_id)


class ReservationConfirmApi(APIView):
    required_scopes = RESERVER_SCOPES
    permission_classes = [Reserver]

    @extend_schema(
        request=None,
        responses=ReservationOut,
        summary="Keep the hold until shipment (order confirmed).",
    )
    def post(self, request, reservation_id: int):
        reservation_confirm(reservation_id=reservation_id)
        return _answer(reservation_id)


class ReservationCommitApi(APIView):
    required_scopes = RESERVER_SCOPES
    permission_classes = [Reserver]

    @extend_schema(request=CommitIn, responses=ReservationOut, summary="Ship the reserved stock.")
    @idempotent()
    def post(self, request, reservation_id: int):
        payload = CommitIn(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        reservation_commit(
            reservation_id=reservation_id,
            shipped_at=data.get("shipped_at") or timezone.now(),
            buyer_org=data["buyer_org"],
            actor=request.user.actor,
        )
        return _answer(reservation_id)
