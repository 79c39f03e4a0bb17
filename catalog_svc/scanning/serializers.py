"""Bodies of the scanning API."""

from rest_framework import serializers

from scanning.gs1 import MAX_BARCODE_LENGTH


class ScanIn(serializers.Serializer):
    barcode = serializers.CharField(max_length=MAX_BARCODE_LENGTH, trim_whitespace=False)


class ScannedDrugOut(serializers.Serializer):
    id = serializers.IntegerField()
    ndc = serializers.CharField()
    gtin = serializers.CharField()
    name = serializers.CharField()
    strength = serializers.CharField()
    dosage_form = serializers.CharField()
    schedule = serializers.CharField()
    rx_only = serializers.BooleanField()


class LotOnFileOut(serializers.Serializer):
    lot_number = serializers.CharField()
    expiry_date = serializers.DateField()
    status = serializers.CharField()
    sellable = serializers.BooleanField()


class ScanOut(serializers.Serializer):
    barcode = serializers.CharField(source="identifier.hri")
    gtin = serializers.CharField(source="identifier.gtin")
    lot_number = serializers.CharField(source="identifier.lot_number", allow_null=True)
    expiry_date = serializers.DateField(source="identifier.expiry_date", allow_null=True)
    serial = serializers.CharField(source="identifier.serial", allow_null=True)
    serial_status = serializers.CharField(allow_null=True)
    drug = ScannedDrugOut()
    lot = LotOnFileOut(allow_null=True)
    sellable = serializers.BooleanField()


class VerifyParams(serializers.Serializer):
    gtin = serializers.RegexField(r"^\d{14}$", max_length=14)
    lot = serializers.CharField(max_length=40)
    expiry = serializers.DateField()
    serial = serializers.CharField(max_length=20, required=False)


class VerificationOut(serializers.Serializer):
    gtin = serializers.CharField()
    lot_number = serializers.CharField()
    expiry_date = serializers.DateField()
    serial = serializers.CharField(allow_null=True)
    drug = serializers.IntegerField(source="drug.pk", allow_null=True)
    lot_status = serializers.CharField(source="lot.status", allow_null=True)
    verified = serializers.BooleanField()
    sellable = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)
