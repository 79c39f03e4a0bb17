"""Input and output shapes of contracts."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracts import selectors
from contracts.models import Contract, ContractItem
from prices.money import currency_input
from prices.serializers import (
    MAX_ITEMS,
    DrugPriceInputSerializer,
    ValidityInputMixin,
    items_in,
)


class ContractInputSerializer(ValidityInputMixin, serializers.Serializer):
    buyer_org = serializers.IntegerField(min_value=1, help_text="Organization id in auth.")
    name = serializers.CharField(max_length=200)
    currency = currency_input(default="USD")
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    items = DrugPriceInputSerializer(many=True, min_length=1, max_length=MAX_ITEMS)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        attrs["items"] = items_in(attrs["items"])
        return attrs


class ContractItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractItem
        fields = ["id", "drug", "drug_name", "manufacturer", "unit_price"]


class ContractSerializer(serializers.ModelSerializer):
    items = ContractItemSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "buyer_org",
            "name",
            "currency",
            "valid_from",
            "valid_to",
            "items",
            "created_at",
        ]


class OverlapSerializer(serializers.Serializer):
    contract = serializers.IntegerField()
    name = serializers.CharField()
    drugs = serializers.ListField(child=serializers.IntegerField())


class ContractDetailSerializer(ContractSerializer):
    overlaps = serializers.SerializerMethodField(
        help_text="Other contracts of this buyer in force on a same day for a same drug; "
        "the latest-starting contract (then the highest id) is the one that prices."
    )

    class Meta(ContractSerializer.Meta):
        fields = [*ContractSerializer.Meta.fields, "overlaps"]

    @extend_schema_field(OverlapSerializer(many=True))
    def get_overlaps(self, contract: Contract) -> list[dict]:
        overlaps = selectors.contract_overlaps(contract=contract)
        return OverlapSerializer(overlaps, many=True).data
