"""Discount rules, managed by the distributor and admins."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics

from discounts import selectors, services
from discounts.models import DiscountRule
from discounts.serializers import DiscountRuleInputSerializer, DiscountRuleSerializer
from prices.api_base import ListCreateApi
from prices.filters import ActiveOnFilterSet
from prices.permissions import PRICING_SCOPES, SellerStaff


class DiscountRuleFilter(ActiveOnFilterSet):
    class Meta:
        model = DiscountRule
        fields = ["kind", "drug", "org_type", "buyer_org"]


@extend_schema_view(
    post=extend_schema(request=DiscountRuleInputSerializer, responses={201: DiscountRuleSerializer})
)
class DiscountRuleListApi(ListCreateApi):
    permission_classes = [SellerStaff]
    serializer_class = DiscountRuleSerializer
    input_serializer_class = DiscountRuleInputSerializer
    filterset_class = DiscountRuleFilter

    def get_queryset(self):
        return selectors.discount_rules()

    def create(self, data: dict) -> DiscountRule:
        return services.discount_rule_create(**data)


class DiscountRuleDetailApi(generics.RetrieveAPIView):
    required_scopes = PRICING_SCOPES
    permission_classes = [SellerStaff]
    serializer_class = DiscountRuleSerializer

    def get_queryset(self):
        return selectors.discount_rules()
