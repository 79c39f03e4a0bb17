"""Bodies of the traceability API."""

from rest_framework import serializers

from traceability.selectors import MAX_FEED_PAGE


class ShippedLotOut(serializers.Serializer):
    lot = serializers.IntegerField(source="lot_id")
    lot_number = serializers.CharField(source="lot.lot_number")
    expiry_date = serializers.DateField(source="lot.expiry_date")
    drug = serializers.IntegerField(source="drug_id")
    gtin = serializers.CharField(source="drug.gtin")
    warehouse = serializers.IntegerField(source="lot.warehouse_id")
    warehouse_name = serializers.CharField(source="lot.warehouse.name")
    seller_org = serializers.IntegerField(source="lot.warehouse.owner_org")
    quantity = serializers.IntegerField()
    buyer_org = serializers.IntegerField(allow_null=True)
    order_ref = serializers.CharField()
    shipped_at = serializers.DateTimeField()
    serials = serializers.SerializerMethodField()

    def get_serials(self, shipment) -> list[str]:
        return [serial.serial for serial in shipment.serials.all()]


class RecallFeedParams(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_FEED_PAGE, default=MAX_FEED_PAGE)


class RecallFeedEntryOut(serializers.Serializer):
    id = serializers.IntegerField()
    lot = serializers.IntegerField()
    lot_number = serializers.CharField()
    expiry_date = serializers.DateField()
    drug = serializers.IntegerField()
    gtin = serializers.CharField()
    ndc = serializers.CharField()
    reason = serializers.CharField()
    recalled_at = serializers.DateTimeField()
    shipments = ShippedLotOut(many=True)


class RecallFeedOut(serializers.Serializer):
    results = RecallFeedEntryOut(many=True)
    next_after = serializers.IntegerField()
