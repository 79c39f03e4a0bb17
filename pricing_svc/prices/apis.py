"""Price lists: list prices (WAC) per drug, managed by the distributor and admins."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from prices import selectors, services
from prices.api_base import ListCreateApi
from prices.filters import ActiveOnFilterSet
from prices.models import PriceList, PriceListItem
from prices.permissions import PRICING_SCOPES, SellerStaff
from prices.serializers import (
    PriceListInputSerializer,
    PriceListItemInputSerializer,
    PriceListItemSerializer,
    PriceListSerializer,
)


class PriceListFilter(ActiveOnFilterSet):
    class Meta:
        model = PriceList
        fields = ["currency"]


@extend_schema_view(
    post=extend_schema(request=PriceListInputSerializer, responses={201: PriceListSerializer})
)
class PriceListListApi(ListCreateApi):
    permission_classes = [SellerStaff]
    serializer_class = PriceListSerializer
    input_serializer_class = PriceListInputSerializer
    filterset_class = PriceListFilter

    def get_queryset(self):
        return selectors.price_lists()

    def create(self, data: dict) -> PriceList:
        return services.price_list_create(**data)


class PriceListDetailApi(generics.RetrieveAPIView):
    required_scopes = PRICING_SCOPES
    permission_classes = [SellerStaff]
    serializer_class = PriceListSerializer

    def get_queryset(self):
        return selectors.price_lists()


class PriceListItemListApi(generics.ListAPIView):
    """The drugs priced in one list; ``POST`` sets one drug's price (added or replaced)."""

    required_scopes = PRICING_SCOPES

    permission_classes = [SellerStaff]
    serializer_class = PriceListItemSerializer
    filterset_fields = ["drug"]
    queryset = PriceListItem.objects.none()  # for the schema; get_queryset is what runs

    def price_list(self) -> PriceList:
        return get_object_or_404(PriceList, pk=self.kwargs["pk"])

    def get_queryset(self):
        return selectors.price_list_items(price_list=self.price_list())

    @extend_schema(
        request=PriceListItemInputSerializer,
        responses={200: PriceListItemSerializer, 201: PriceListItemSerializer},
    )
    def post(self, request, pk: int):
        price_list = self.price_list()
        serializer = PriceListItemInputSerializer(
            data=request.data, context={"currency": price_list.currency}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item, created = services.price_list_item_set(
            price_list=price_list, drug=data["drug"], unit_price=data["unit_price"]
        )
        return Response(
            PriceListItemSerializer(item).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
