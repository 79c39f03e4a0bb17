"""Input and output shapes of chargebacks and shipped lines."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chargebacks.models import Chargeback, ShippedLine
from chargebacks.services import ShipmentIn
from prices.money import MAX_QUANTITY, currency_input, price_input
from prices.serializers import drug_input


class ShipmentInputSerializer(serializers.Serializer):
    order_ref = serializers.CharField(max_length=100)
    buyer_org = serializers.IntegerField(min_value=1)
    drug = drug_input()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    unit_price = price_input(help_text="What the buyer was charged for one unit.")
    currency = currency_input(default="USD")
    contract_id = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text="The contract the line was sold under (a quote's applied contract step); "
        "if absent, the buyer's contract in force on the shipping day, if any.",
    )
    shipped_at = serializers.DateTimeField()

    def to_shipment(self) -> ShipmentIn:
        return ShipmentIn(**self.validated_data)


class ChargebackSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True)

    class Meta:
        model = Chargeback
        fields = [
            "id",
            "order_ref",
            "buyer_org",
            "drug",
            "drug_name",
            "manufacturer",
            "contract",
            "quantity",
            "list_price",
            "contract_price",
            "amount",
            "currency",
            "status",
            "shipped_at",
            "created_at",
            "updated_at",
        ]


class ShippedLineSerializer(serializers.ModelSerializer):
    chargeback = serializers.SerializerMethodField()

    class Meta:
        model = ShippedLine
        fields = [
            "id",
            "order_ref",
            "buyer_org",
            "drug",
            "quantity",
            "unit_price",
            "currency",
            "contract_id",
            "shipped_at",
            "recorded_at",
            "chargeback",
        ]

    @extend_schema_field(ChargebackSerializer(allow_null=True))
    def get_chargeback(self, line: ShippedLine) -> dict | None:
        chargeback = getattr(line, "chargeback", None)
        return ChargebackSerializer(chargeback).data if chargeback else None


class TransitionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class PeriodFieldsMixin:
    """``from`` and ``to`` (Python keywords, hence added here) as ``date_from``/``date_to``."""

    period_field_options: dict = {}

    def get_fields(self):
        fields = super().get_fields()
        for name in ("from", "to"):
            fields[name] = serializers.DateField(source=f"date_{name}", **self.period_field_options)
        return fields


class ReportQuerySerializer(PeriodFieldsMixin, serializers.Serializer):
    manufacturer = serializers.CharField(max_length=200, required=False)
    period_field_options = {"required": False, "help_text": "Shipped on or after / on or before"}

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError({"to": ["Must not be before from."]})
        return attrs


class ReportRowSerializer(serializers.Serializer):
    manufacturer = serializers.CharField()
    currency = serializers.CharField()
    lines = serializers.IntegerField()
    quantity = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=20, decimal_places=2)
    open = serializers.DecimalField(max_digits=20, decimal_places=2)
    submitted = serializers.DecimalField(max_digits=20, decimal_places=2)
    paid = serializers.DecimalField(max_digits=20, decimal_places=2)
    rejected = serializers.DecimalField(max_digits=20, decimal_places=2)


class ReportSerializer(PeriodFieldsMixin, serializers.Serializer):
    manufacturer = serializers.CharField(allow_null=True)
    period_field_options = {"allow_null": True}
    results = ReportRowSerializer(many=True)
