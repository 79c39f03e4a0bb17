"""Request and response bodies of the catalog API."""

from rest_framework import serializers

from catalog.models import Drug, Schedule, Warehouse
from catalog.services import DRUG_EDITABLE_FIELDS
from common.errors import MAX_INT
from common.serializers import ColumnsOut


class DrugOut(ColumnsOut):
    class Meta:
        model = Drug
        fields = ["id", *DRUG_EDITABLE_FIELDS, "currency"]


class DrugIn(serializers.Serializer):
    """Shapes only; identifier rules (NDC layout, GTIN check digit, duplicates) are the
    service's, so that the admin site refuses the same things."""

    ndc = serializers.CharField(max_length=20)
    gtin = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=200)
    generic_name = serializers.CharField(max_length=200)
    strength = serializers.CharField(max_length=100, allow_blank=True, default="")
    dosage_form = serializers.CharField(max_length=100, allow_blank=True, default="")
    manufacturer = serializers.CharField(max_length=200, allow_blank=True, default="")
    schedule = serializers.ChoiceField(choices=Schedule.choices, allow_blank=True, default="")
    rx_only = serializers.BooleanField(default=True)
    cold_chain = serializers.BooleanField(default=False)
    pack_size = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)
    unit = serializers.CharField(max_length=30, default="each")
    reorder_point = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    list_price = serializers.DecimalField(
        max_digits=20, decimal_places=4, min_value=0, allow_null=True, default=None
    )
    active = serializers.BooleanField(default=True)


class WarehouseOut(ColumnsOut):
    class Meta:
        model = Warehouse
        fields = ["id", "name", "owner_org", "address", "active"]


class WarehouseIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=300, allow_blank=True, default="")
    owner_org = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INT,
        required=False,
        help_text="Admins only: the distributor that owns it.",
    )
