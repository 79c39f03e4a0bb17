from rest_framework import serializers

from common.errors import MAX_INT
from common.serializers import ColumnsOut, FieldsBuiltOnce
from orders.models import Order, OrderEvent, OrderLine
from orders.selectors import order_with_lines

MAX_LINES = 200
MAX_QUANTITY = 1_000_000


class LineIn(serializers.Serializer):
    drug = serializers.IntegerField(min_value=1, max_value=MAX_INT)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    prescription = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, required=False, allow_null=True
    )


class OrderIn(FieldsBuiltOnce, serializers.Serializer):
    lines = LineIn(many=True, allow_empty=False, max_length=MAX_LINES)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    min_shelf_life_days = serializers.IntegerField(min_value=0, max_value=3650, default=0)
    allow_backorder = serializers.BooleanField(default=False)

    def validate_lines(self, lines):
        drugs = [line["drug"] for line in lines]
        if len(drugs) != len(set(drugs)):
            raise serializers.ValidationError("Each drug may appear on one line only.")
        return lines


class LineOut(ColumnsOut):
    """An order line as the API shows it."""

    class Meta:
        model = OrderLine
        fields = [
            "line_no",
            "drug",
            "ndc",
            "name",
            "requested_quantity",
            "quantity",
            "backordered_quantity",
            "prescription",
            "unit_price",
            "line_total",
            "allocations",
            "shipped_lots",
            "accepted_quantity",
            "rejected_quantity",
            "rejection_reason",
        ]


class OrderOut(ColumnsOut):
    """An order with its lines as the API shows it."""

    number = serializers.CharField(read_only=True)  # a generated column: DRF maps no type
    lines = LineOut(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "status",
            "channel",
            "buyer_org",
            "seller_org",
            "lines",
            "total",
            "currency",
            "price_source",
            "reason_code",
            "reason_detail",
            "min_shelf_life_days",
            "allow_backorder",
            "notes",
            "created_at",
            "shipped_at",
            "delivered_at",
        ]


class EventOut(serializers.ModelSerializer):
    """A status change as the API answers it: ``from`` (null for the first), ``to``, ``at``,
    ``by`` (``user:<id>``, ``client:<id>``, ``staff:<name>`` or ``system:<job>``), ``reason``."""

    to = serializers.ChoiceField(choices=Order.Status.choices, source="to_status")

    class Meta:
        model = OrderEvent
        fields = ["to", "at", "by", "reason"]

    def get_fields(self):
        # "from" is a Python keyword: the field is added by name rather than declared.
        return {
            "from": serializers.ChoiceField(
                choices=Order.Status.choices, source="from_status", allow_null=True
            ),
            **super().get_fields(),
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        return {**data, "from": data["from"] or None}


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ShipIn(serializers.Serializer):
    shipped_at = serializers.DateTimeField(required=False)


class ReceivedIn(serializers.Serializer):
    line = serializers.IntegerField(min_value=1)
    accepted = serializers.IntegerField(min_value=0)
    rejected = serializers.IntegerField(min_value=0)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DeliverIn(serializers.Serializer):
    received = ReceivedIn(many=True, allow_empty=False, max_length=MAX_LINES)


def order_body(order: Order) -> dict:
    """The order as the API shows it, read afresh with its lines."""
    return OrderOut(order_with_lines(Order.objects.filter(pk=order.pk)).get()).data
