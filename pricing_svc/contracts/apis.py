"""Contracts: the seller side manages them; a buyer reads its own organization's only."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics

from contracts import selectors, services
from contracts.models import Contract
from contracts.serializers import (
    ContractDetailSerializer,
    ContractInputSerializer,
    ContractSerializer,
)
from prices.api_base import ListCreateApi
from prices.filters import ActiveOnFilterSet
from prices.permissions import PRICING_SCOPES, SellerOrBuyer, SellerStaff


class ContractFilter(ActiveOnFilterSet):
    drug = django_filters.NumberFilter(field_name="items__drug", label="Prices this drug")

    class Meta:
        model = Contract
        fields = ["buyer_org"]


@extend_schema_view(
    post=extend_schema(request=ContractInputSerializer, responses={201: ContractDetailSerializer})
)
class ContractListApi(ListCreateApi):
    serializer_class = ContractSerializer
    input_serializer_class = ContractInputSerializer
    created_serializer_class = ContractDetailSerializer
    filterset_class = ContractFilter

    def get_permissions(self):
        return [SellerStaff()] if self.request.method == "POST" else [SellerOrBuyer()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Contract.objects.none()
        return selectors.contracts_visible_to(self.request.user)

    def create(self, data: dict) -> Contract:
        return services.contract_create(**data)


class ContractDetailApi(generics.RetrieveAPIView):
    """One contract; another organization's contract answers 404 to a buyer."""

    required_scopes = PRICING_SCOPES

    permission_classes = [SellerOrBuyer]
    serializer_class = ContractDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Contract.objects.none()
        return selectors.contracts_visible_to(self.request.user)
