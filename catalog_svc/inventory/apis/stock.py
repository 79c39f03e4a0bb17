"""Stock: receipts, adjustments, returns, the ledger and a drug's availability."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.principals import owner_scope
from common.errors import NotFound
from common.idempotency import idempotent
from common.scopes import resource_scopes
from inventory.apis.access import INVENTORY_SCOPES, BackOffice
from inventory.filters import MovementFilter
from inventory.models import Movement, Receipt
from inventory.selectors import drug_availability, movement_list
from inventory.serializers import (
    AdjustmentIn,
    AvailabilityOut,
    MovementOut,
    ReceiptIn,
    ReceiptOut,
    ReturnIn,
)
from inventory.services import ReceiptLineIn, adjustment_create, receipt_create, stock_return
from scanning.selectors import receipt_line_from_scan


def _receipt_line(line: dict) -> ReceiptLineIn:
    """A typed line as it is; a scanned one through the barcode (``scanning``)."""
    if "barcode" in line:
        return receipt_line_from_scan(
            barcode=line["barcode"], quantity=line.get("quantity"), serials=line.get("serials")
        )
    serials = tuple(line.get("serials", ()))
    return ReceiptLineIn(
        drug=line["drug"],
        lot_number=line["lot_number"],
        expiry_date=line["expiry_date"],
        quantity=line.get("quantity", len(serials)),
        serials=serials,
    )


class ReceiptCreateApi(APIView):
    required_scopes = INVENTORY_SCOPES
    permission_classes = [BackOffice]

    @extend_schema(request=ReceiptIn, responses={status.HTTP_201_CREATED: ReceiptOut})
    @idempotent()
    def post(self, request):
        payload = ReceiptIn(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        receipt = receipt_create(
            warehouse_id=data["warehouse"],
            lines=[_receipt_line(line) for line in data["lines"]],
            actor=request.user.actor,
            owner_org=owner_scope(request.user),
        )
        receipt = Receipt.objects.prefetch_related("movements__lot").get(pk=receipt.pk)
        return Response(ReceiptOut(receipt).data, status=status.HTTP_201_CREATED)


class AdjustmentCreateApi(APIView):
    required_scopes = INVENTORY_SCOPES
    permission_classes = [BackOffice]

    @extend_schema(request=AdjustmentIn, responses={status.HTTP_201_CREATED: MovementOut})
    @idempotent()
    def post(self, request):
        payload = AdjustmentIn(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        movement = adjustment_create(
            lot_id=data["lot"],
            quantity_delta=data["quantity_delta"],
            reason=data["reason"],
            note=data["note"],
            actor=request.user.actor,
            owner_org=owner_scope(request.user),
        )
        return Response(MovementOut(movement).data, status=status.HTTP_201_CREATED)


class ReturnCreateApi(APIView):
    required_scopes = INVENTORY_SCOPES
    permission_classes = [BackOffice]

    @extend_schema(
        request=ReturnIn,
        responses={status.HTTP_201_CREATED: MovementOut},
        summary="Units returned by a buyer go back on hand (a return movement).",
    )
    @idempotent()
    def post(self, request):
        payload = ReturnIn(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        movement = stock_return(
            lot_id=data["lot"],
            quantity=data["quantity"],
            order_ref=data["order_ref"],
            note=data["note"],
            actor=request.user.actor,
            owner_org=owner_scope(request.user),
        )
        return Response(MovementOut(movement).data, status=status.HTTP_201_CREATED)


class MovementListApi(generics.ListAPIView):
    """The stock ledger, newest first."""

    required_scopes = INVENTORY_SCOPES

    permission_classes = [BackOffice]
    queryset = Movement.objects.none()
    serializer_class = MovementOut
    filterset_class = MovementFilter

    def get_queryset(self):
        return movement_list(owner_org=owner_scope(self.request.user))


class DrugAvailabilityApi(APIView):
    """Sellable stock of a drug (available lots not past expiry), for any signed-in caller."""

    required_scopes = resource_scopes("catalog")

    @extend_schema(responses=AvailabilityOut)
    def get(self, request, drug_id: int):
        availability = drug_availability(drug_id=drug_id)
        if availability is None:
            raise NotFound("No such drug.")
        return Response(AvailabilityOut(availability).data)
