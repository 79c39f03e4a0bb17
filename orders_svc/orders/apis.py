"""The orders API: place (hospital, pharmacy, patient), read, follow the status history,
cancel. Shipping and delivery are in ``fulfillment``."""

import django_filters
from django.db import IntegrityError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import PROBLEM_CONTENT_TYPE, ApplicationError, problem
from common.idempotency import request_fingerprint
from common.permissions import has_role
from common.scopes import resource_scopes
from orders import replay
from orders.models import Order
from orders.selectors import order_visible, order_with_lines, orders_visible_to
from orders.serializers import EventOut, OrderIn, OrderOut, ReasonIn, order_body
from orders.services import placement
from orders.services.cancel import order_cancel

Buyer = has_role("hospital", "pharmacy", "patient")
Reader = has_role("hospital", "pharmacy", "patient", "distributor", "admin")
ORDERS_SCOPES = resource_scopes("orders")


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Order.Status.choices)
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Order
        fields = ["status", "created_after", "created_before"]


class OrderListApi(generics.ListAPIView):
    required_scopes = ORDERS_SCOPES
    serializer_class = OrderOut
    filterset_class = OrderFilter

    def get_permissions(self):
        return [Buyer() if self.request.method == "POST" else Reader()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        return order_with_lines(orders_visible_to(self.request.user))

    @extend_schema(request=OrderIn, responses={201: OrderOut})
    def post(self, request):
        payload = OrderIn(data=request.data)
        payload.is_valid(raise_exception=True)
        buyer = request.user
        key = replay.idempotency_key(request)
        fingerprint = request_fingerprint(request)
        lines = [placement.LineIn(**line) for line in payload.validated_data.pop("lines")]
        try:
            order = placement.order_create_pending(
                buyer=buyer,
                lines=lines,
                idempotency_key=key,
                request_hash=fingerprint,
                **payload.validated_data,
            )
        except IntegrityError:
            # The key is on an order already (the unique index says so, also for a request a
            # moment earlier): its answer. A new key costs no look-up first.
            buyer_user = placement.buyer_user(buyer)
            return replay.placement_replay(buyer_user=buyer_user, key=key, request_hash=fingerprint)
        try:
            order = placement.order_place(
                order=order, buyer=buyer, lines=lines, answer=lambda placed: OrderOut(placed).data
            )
        except ApplicationError as refusal:
            body = problem(refusal.status, refusal.code, refusal.detail, **refusal.extra)
            replay.placement_answer_store(order=order, status=refusal.status, body=body)
            return Response(
                body,
                status=refusal.status,
                headers=refusal.headers,
                content_type=PROBLEM_CONTENT_TYPE,
            )
        return Response(order.answer_body, status=status.HTTP_201_CREATED)  # stored with it


class OrderDetailApi(generics.RetrieveAPIView):
    required_scopes = ORDERS_SCOPES
    serializer_class = OrderOut
    permission_classes = [Reader]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        return order_with_lines(orders_visible_to(self.request.user))


class OrderEventsApi(APIView):
    required_scopes = ORDERS_SCOPES
    permission_classes = [Reader]

    @extend_schema(responses=EventOut(many=True))
    def get(self, request, pk: int):
        order = order_visible(principal=request.user, pk=pk)
        return Response(EventOut(order.events.all(), many=True).data)


class OrderCancelApi(APIView):
    required_scopes = ORDERS_SCOPES
    permission_classes = [Reader]

    @extend_schema(request=ReasonIn, responses=OrderOut)
    def post(self, request, pk: int):
        order = order_visible(principal=request.user, pk=pk)
        payload = ReasonIn(data=request.data)
        payload.is_valid(raise_exception=True)
        cancelled = order_cancel(
            order=order, by=request.user.actor, reason=payload.validated_data["reason"]
        )
        return Response(order_body(cancelled))
