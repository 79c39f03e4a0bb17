"""Request and response bodies of the inventory API."""

from rest_framework import serializers

from common.serializers import ColumnsOut, FieldsBuiltOnce
from inventory.filters import MAX_DAYS
from inventory.models import AdjustmentReason, Lot, Movement, Reservation, Shipment
from inventory.selectors import lot_status_today, lot_units_for_sale

MAX_QUANTITY = 10_000_000
MAX_RECEIPT_LINES = 1000
MAX_SERIALS_PER_LINE = 10_000


class LotOut(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    available = serializers.SerializerMethodField(
        help_text="Units that may be sold: none on a lot that is not available."
    )

    class Meta:
        model = Lot
        fields = [
            "id",
            "drug",
            "warehouse",
            "lot_number",
            "expiry_date",
            "status",
            "on_hand",
            "reserved",
            "available",
        ]

    def get_status(self, lot) -> str:
        return lot_status_today(lot)

    def get_available(self, lot) -> int:
        return lot_units_for_sale(lot)


class LotEventOut(serializers.Serializer):
    id = serializers.IntegerField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class ReservationRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()


class ShipmentOut(serializers.ModelSerializer):
    class Meta:
        model = Shipment
        fields = ["order_ref", "buyer_org", "quantity", "shipped_at", "drug", "lot"]


class RecallOut(serializers.Serializer):
    lot = LotOut()
    released_reservations = ReservationRefOut(many=True, source="reallocation.released")
    reallocated_reservations = ReservationRefOut(many=True, source="reallocation.reallocated")
    shipments = ShipmentOut(many=True)


class ReceiptLineIn(serializers.Serializer):
    """A line as typed (drug, lot number, expiry, quantity) or as scanned (``barcode``, a GS1
    element string naming GTIN, expiry, lot and perhaps a serial; see ``scanning``). With
    ``serials`` (one per package) the quantity is their count."""

    barcode = serializers.CharField(max_length=200, required=False)
    drug = serializers.IntegerField(min_value=1, required=False)
    lot_number = serializers.CharField(max_length=40, required=False)
    expiry_date = serializers.DateField(required=False)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, required=False)
    serials = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        allow_empty=False,
        max_length=MAX_SERIALS_PER_LINE,
    )

    def validate(self, attrs):
        typed = [name for name in ("drug", "lot_number", "expiry_date") if name in attrs]
        if "barcode" in attrs and typed:
            raise serializers.ValidationError("Give a barcode or drug, lot and expiry, not both.")
        if "barcode" not in attrs and len(typed) < 3:
            raise serializers.ValidationError("Give a barcode, or drug, lot_number and expiry.")
        if "quantity" not in attrs and "serials" not in attrs and "barcode" not in attrs:
            raise serializers.ValidationError({"quantity": ["This field is required."]})
        return attrs


class ReceiptIn(serializers.Serializer):
    warehouse = serializers.IntegerField(min_value=1)
    lines = ReceiptLineIn(many=True, allow_empty=False, max_length=MAX_RECEIPT_LINES)


class ReceiptLineOut(serializers.Serializer):
    drug = serializers.IntegerField(source="lot.drug_id")
    lot = serializers.IntegerField(source="lot_id")
    lot_number = serializers.CharField(source="lot.lot_number")
    expiry_date = serializers.DateField(source="lot.expiry_date")
    quantity = serializers.IntegerField(source="on_hand_delta")


class ReceiptOut(serializers.Serializer):
    id = serializers.IntegerField()
    warehouse = serializers.IntegerField(source="warehouse_id")
    actor = serializers.CharField()
    created_at = serializers.DateTimeField()
    lines = ReceiptLineOut(many=True, source="movements.all")


class AdjustmentIn(serializers.Serializer):
    lot = serializers.IntegerField(min_value=1)
    quantity_delta = serializers.IntegerField(min_value=-MAX_QUANTITY, max_value=MAX_QUANTITY)
    reason = serializers.ChoiceField(choices=AdjustmentReason.choices)
    note = serializers.CharField(max_length=1000, allow_blank=True, default="")


class ReturnIn(serializers.Serializer):
    lot = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    order_ref = serializers.CharField(max_length=100)
    note = serializers.CharField(max_length=1000, allow_blank=True, default="")


class MovementOut(serializers.ModelSerializer):
    drug = serializers.IntegerField(source="lot.drug_id")
    warehouse = serializers.IntegerField(source="lot.warehouse_id")
    lot_number = serializers.CharField(source="lot.lot_number")

    class Meta:
        model = Movement
        fields = [
            "id",
            "lot",
            "lot_number",
            "drug",
            "warehouse",
            "kind",
            "on_hand_delta",
            "reserved_delta",
            "reason",
            "note",
            "actor",
            "reference",
            "receipt",
            "reservation",
            "created_at",
        ]


class WarehouseStockOut(serializers.Serializer):
    warehouse = serializers.IntegerField()
    name = serializers.CharField()
    available = serializers.IntegerField()


class AvailabilityOut(serializers.Serializer):
    drug = serializers.IntegerField()
    available = serializers.IntegerField()
    on_hand = serializers.IntegerField()
    earliest_expiry = serializers.DateField(allow_null=True)
    warehouses = WarehouseStockOut(many=True)


class ExpiringParams(serializers.Serializer):
    days = serializers.IntegerField(min_value=0, max_value=MAX_DAYS, default=90)


class ExpiringLotOut(FieldsBuiltOnce, serializers.Serializer):
    """A row of the expiring-lots report (``inventory.expiring``), money already in cents.
    Its plain fields are built once per process and serve every page (``FieldsBuiltOnce``)."""

    lot = serializers.IntegerField()
    drug = serializers.IntegerField()
    ndc = serializers.CharField()
    drug_name = serializers.CharField()
    warehouse = serializers.IntegerField()
    warehouse_name = serializers.CharField()
    lot_number = serializers.CharField()
    expiry_date = serializers.DateField()
    status = serializers.CharField()
    quantity = serializers.IntegerField()
    available = serializers.IntegerField()
    list_price = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    value = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    currency = serializers.CharField()


class LowStockOut(serializers.Serializer):
    drug = serializers.IntegerField(source="pk")
    ndc = serializers.CharField()
    name = serializers.CharField()
    available = serializers.IntegerField(source="stock_available")
    reorder_point = serializers.IntegerField()


class ReservationLineIn(serializers.Serializer):
    drug = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class ReservationIn(FieldsBuiltOnce, serializers.Serializer):
    reference = serializers.CharField(max_length=100)
    lines = ReservationLineIn(many=True, allow_empty=False, max_length=200)
    min_shelf_life_days = serializers.IntegerField(min_value=0, max_value=MAX_DAYS, default=0)
    # The hold is made confirmed, as POST reservations/{id}/confirm/ leaves one: it waits for
    # commit or release instead of lapsing, with no second call.
    confirm = serializers.BooleanField(default=False)


class AllocationOut(serializers.Serializer):
    lot = serializers.IntegerField(source="lot_id")
    lot_number = serializers.CharField(source="lot.lot_number")
    expiry_date = serializers.DateField(source="lot.expiry_date")
    quantity = serializers.IntegerField()


class ReservationLineOut(serializers.Serializer):
    drug = serializers.IntegerField(source="drug_id")
    quantity = serializers.IntegerField()
    allocations = AllocationOut(many=True, source="allocations.all")


class ReservationOut(ColumnsOut):
    """A reservation with its lines and the lots that hold each of them."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    expires_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    min_shelf_life_days = serializers.IntegerField()
    buyer_org = serializers.IntegerField(allow_null=True)
    shipped_at = serializers.DateTimeField(allow_null=True)
    lines = ReservationLineOut(many=True, source="lines.all")

    class Meta:
        model = Reservation
        fields = [
            "id",
            "reference",
            "status",
            "expires_at",
            "confirmed_at",
            "min_shelf_life_days",
            "buyer_org",
            "shipped_at",
            "lines",
        ]


class CommitIn(serializers.Serializer):
    shipped_at = serializers.DateTimeField(required=False)
    # null: a patient's (B2C) order; the shipment is traced through its order reference.
    buyer_org = serializers.IntegerField(min_value=1, allow_null=True)
