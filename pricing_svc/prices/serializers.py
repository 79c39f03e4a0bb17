"""Input and output shapes of price lists; also the pieces contracts and rules share."""

from rest_framework import serializers

from prices.models import PriceList, PriceListItem
from prices.money import currency_input, price_input
from prices.services import ItemIn

MAX_ITEMS = 5000
MAX_DRUG_ID = 2**63 - 1


def drug_input(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_DRUG_ID, **kwargs)


class ValidityInputMixin:
    """``valid_from``/``valid_to`` (both inclusive); the end may not come before the start."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        valid_to = attrs.get("valid_to")
        if valid_to is not None and valid_to < attrs["valid_from"]:
            raise serializers.ValidationError({"valid_to": ["Must not be before valid_from."]})
        return attrs


class DrugPriceInputSerializer(serializers.Serializer):
    drug = drug_input()
    unit_price = price_input()


def items_in(rows: list[dict]) -> list[ItemIn]:
    return [ItemIn(drug=row["drug"], unit_price=row["unit_price"]) for row in rows]


class PriceListItemInputSerializer(DrugPriceInputSerializer):
    currency = currency_input(required=False, help_text="If sent, the price list's currency.")

    def validate_currency(self, value: str) -> str:
        expected = self.context.get("currency")
        if expected and value != expected:
            raise serializers.ValidationError(f"The price list's currency is {expected}.")
        return value


class PriceListInputSerializer(ValidityInputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200)
    currency = currency_input()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)
    items = PriceListItemInputSerializer(many=True, max_length=MAX_ITEMS, required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        wrong = [
            item["drug"]
            for item in attrs.get("items", [])
            if item.get("currency", attrs["currency"]) != attrs["currency"]
        ]
        if wrong:
            raise serializers.ValidationError(
                {
                    "items": [
                        f"Drug {drug}: the currency must be {attrs['currency']}." for drug in wrong
                    ]
                }
            )
        attrs["items"] = items_in(attrs.get("items", []))
        return attrs


class PriceListSerializer(serializers.ModelSerializer):
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PriceList
        fields = ["id", "name", "currency", "valid_from", "valid_to", "item_count", "created_at"]


class PriceListItemSerializer(serializers.ModelSerializer):
    currency = serializers.CharField(source="price_list.currency", read_only=True)

    class Meta:
        model = PriceListItem
        fields = ["id", "price_list", "drug", "drug_name", "manufacturer", "unit_price", "currency"]
