"""Input and output shapes of discount rules."""

from decimal import Decimal

from rest_framework import serializers

from discounts.models import DiscountRule, DiscountTier
from prices.money import MAX_QUANTITY, MAX_UNIT_PRICE_DIGITS, currency_input
from prices.serializers import ValidityInputMixin, drug_input

Kind = DiscountRule.Kind
MAX_TIERS = 50


def percent_input(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=7,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        max_value=Decimal(100),
        **kwargs,
    )


class TierSerializer(serializers.Serializer):
    min_quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    percent = percent_input()


class DiscountRuleInputSerializer(ValidityInputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Kind.choices)
    value = serializers.DecimalField(
        max_digits=MAX_UNIT_PRICE_DIGITS,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        required=False,
        allow_null=True,
        default=None,
        help_text="percent: the percentage off (0-100); amount: off each unit; tier: omit.",
    )
    currency = currency_input(default="USD", help_text="The currency of an amount rule.")
    tiers = TierSerializer(many=True, required=False, default=list, max_length=MAX_TIERS)
    drug = drug_input(required=False, allow_null=True, default=None)
    org_type = serializers.ChoiceField(
        choices=DiscountRule.OrgType.choices, required=False, default="", allow_blank=True
    )
    buyer_org = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    priority = serializers.IntegerField(min_value=-1_000_000, max_value=1_000_000, default=100)
    stackable = serializers.BooleanField(default=True)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        kind, value, tiers = attrs["kind"], attrs["value"], attrs["tiers"]
        if kind == Kind.TIER:
            if value is not None:
                raise serializers.ValidationError({"value": ["A tier rule takes no value."]})
            if not tiers:
                raise serializers.ValidationError({"tiers": ["A tier rule needs tiers."]})
            quantities = [tier["min_quantity"] for tier in tiers]
            if len(set(quantities)) != len(quantities):
                raise serializers.ValidationError({"tiers": ["Each min_quantity once."]})
        else:
            if value is None:
                raise serializers.ValidationError({"value": [f"A {kind} rule needs a value."]})
            if tiers:
                raise serializers.ValidationError({"tiers": ["Only a tier rule has tiers."]})
            if kind == Kind.PERCENT and value > 100:
                raise serializers.ValidationError({"value": ["A percentage is at most 100."]})
        attrs["tiers"] = [(tier["min_quantity"], tier["percent"]) for tier in tiers]
        return attrs


class DiscountTierSerializer(serializers.ModelSerializer):
    class Meta:
        model = DiscountTier
        fields = ["min_quantity", "percent"]


class DiscountRuleSerializer(serializers.ModelSerializer):
    tiers = DiscountTierSerializer(many=True, read_only=True)

    class Meta:
        model = DiscountRule
        fields = [
            "id",
            "name",
            "kind",
            "value",
            "currency",
            "tiers",
            "drug",
            "org_type",
            "buyer_org",
            "valid_from",
            "valid_to",
            "priority",
            "stackable",
            "created_at",
        ]
