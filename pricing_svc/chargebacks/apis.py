"""Chargebacks: shipped lines reported by orders, the claims they raise, the report."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from chargebacks import selectors, services
from chargebacks.models import Chargeback
from chargebacks.serializers import (
    ChargebackSerializer,
    ReportQuerySerializer,
    ReportSerializer,
    ShipmentInputSerializer,
    ShippedLineSerializer,
    TransitionInputSerializer,
)
from common.idempotency import idempotent
from common.permissions import service_scope
from prices.permissions import PRICING_SCOPES, SellerStaff

CHARGEBACK_SCOPE = "pricing:chargeback"


class ChargebackFilter(django_filters.FilterSet):
    class Meta:
        model = Chargeback
        fields = ["status", "manufacturer", "buyer_org", "order_ref"]


class ChargebackListApi(generics.ListAPIView):
    required_scopes = PRICING_SCOPES
    permission_classes = [SellerStaff]
    serializer_class = ChargebackSerializer
    filterset_class = ChargebackFilter

    def get_queryset(self):
        return selectors.chargebacks()


class ChargebackDetailApi(generics.RetrieveAPIView):
    required_scopes = PRICING_SCOPES
    permission_classes = [SellerStaff]
    serializer_class = ChargebackSerializer

    def get_queryset(self):
        return selectors.chargebacks()


class ChargebackTransitionApi(APIView):
    """Move a claim on: ``submit`` (open → submitted), ``mark-paid`` and ``reject``
    (submitted → paid | rejected); any other move answers 409 ``invalid_transition``."""

    required_scopes = PRICING_SCOPES

    permission_classes = [SellerStaff]
    to: str = ""

    @extend_schema(request=TransitionInputSerializer, responses={200: ChargebackSerializer})
    def post(self, request, pk: int):
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        chargeback = services.chargeback_transition(
            chargeback=get_object_or_404(Chargeback, pk=pk),
            to=self.to,
            by=request.user.actor,
            reason=serializer.validated_data["reason"],
        )
        return Response(ChargebackSerializer(chargeback).data)


class ShipmentEventApi(APIView):
    """Orders reports a shipped line; a repeat of the same report answers 200 with the first
    record and counts nothing twice."""

    required_scopes = {"write": CHARGEBACK_SCOPE}

    permission_classes = [service_scope(CHARGEBACK_SCOPE)]

    @extend_schema(
        request=ShipmentInputSerializer,
        responses={201: ShippedLineSerializer, 200: ShippedLineSerializer},
    )
    @idempotent()
    def post(self, request):
        serializer = ShipmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line, created = services.shipment_record(
            shipment=serializer.to_shipment(), by=request.user.actor
        )
        return Response(
            ShippedLineSerializer(line).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ChargebackReportApi(APIView):
    required_scopes = PRICING_SCOPES
    permission_classes = [SellerStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("manufacturer", OpenApiTypes.STR, description="Only this one"),
            OpenApiParameter("from", OpenApiTypes.DATE, description="Shipped on or after"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Shipped on or before"),
        ],
        responses={200: ReportSerializer},
    )
    def get(self, request):
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = query.validated_data
        rows = selectors.chargeback_report(**period)
        body = {
            "manufacturer": period.get("manufacturer"),
            "date_from": period.get("date_from"),
            "date_to": period.get("date_to"),
            "results": rows,
        }
        return Response(ReportSerializer(body).data)
