"""ColumnsOut answers exactly what DRF's ModelSerializer answers, with fields built once."""

from decimal import Decimal

import pytest
from rest_framework import serializers

from common.serializers import ColumnsOut, FieldsBuiltOnce
from tests.project.models import Parcel, ParcelEvent


class ParcelOut(ColumnsOut):
    class Meta:
        model = Parcel
        fields = ["id", "status", "note", "touched"]


class ParcelEventOut(ColumnsOut):
    class Meta:
        model = ParcelEvent
        fields = ["id", "parcel", "from_status", "to_status"]


class PlainParcelOut(serializers.ModelSerializer):
    class Meta(ParcelOut.Meta):
        pass


class PlainParcelEventOut(serializers.ModelSerializer):
    class Meta(ParcelEventOut.Meta):
        pass


def test_answers_what_a_model_serializer_answers():
    parcels = [Parcel(id=7, status="packed", note="", touched=3), Parcel(status="lost")]
    for parcel in parcels:
        assert ParcelOut(parcel).data == PlainParcelOut(parcel).data
    assert ParcelOut(parcels, many=True).data == PlainParcelOut(parcels, many=True).data
    event = ParcelEvent(id=2, parcel_id=7, from_status="packed", to_status="sent")
    assert (
        ParcelEventOut(event).data
        == PlainParcelEventOut(event).data
        == {
            "id": 2,
            "parcel": 7,
            "from_status": "packed",
            "to_status": "sent",
        }
    )


def test_a_row_given_as_a_dict_answers_what_a_model_serializer_answers():
    row = {"id": 7, "status": "packed", "note": "", "touched": 3}
    assert ParcelOut(row).data == PlainParcelOut(row).data == row


def test_decimals_keep_the_fields_places_however_the_value_was_written():
    class PricedOut(ColumnsOut):
        price = serializers.DecimalField(max_digits=20, decimal_places=4)

        class Meta:
            model = Parcel
            fields = ["id", "price"]

    parcel = Parcel(id=1)
    parcel.price = Decimal("18.4")
    assert PricedOut(parcel).data == {"id": 1, "price": "18.4000"}


def test_a_field_that_needs_its_serializer_is_refused():
    class WithMethod(ColumnsOut):
        label = serializers.SerializerMethodField()

        class Meta:
            model = Parcel
            fields = ["id", "label"]

        def get_label(self, parcel):
            return str(parcel)

    with pytest.raises(TypeError, match=r"WithMethod\.label"):
        WithMethod(Parcel(id=1)).data  # noqa: B018


class ParcelWithEventsOut(ColumnsOut):
    events = ParcelEventOut(many=True, read_only=True)
    label = serializers.JSONField(source="tags")

    class Meta:
        model = Parcel
        fields = ["id", "status", "events", "label"]


class PlainParcelWithEventsOut(serializers.ModelSerializer):
    events = PlainParcelEventOut(many=True, read_only=True)
    label = serializers.JSONField(source="tags")

    class Meta(ParcelWithEventsOut.Meta):
        pass


@pytest.mark.django_db
def test_json_and_nested_lists_answer_what_a_model_serializer_answers():
    parcel = Parcel.objects.create(status="sent")
    ParcelEvent.objects.create(parcel=parcel, from_status="packed", to_status="sent")
    ParcelEvent.objects.create(parcel=parcel, from_status="sent", to_status="lost")
    for tags in ([{"lot": 1, "expiry_date": "2028-01-31"}], None):
        parcel.tags = tags
        answer = ParcelWithEventsOut(parcel).data
        assert answer == PlainParcelWithEventsOut(parcel).data
        assert answer["label"] == tags
        assert [event["to_status"] for event in answer["events"]] == ["sent", "lost"]


def test_a_nested_serializer_with_a_field_that_needs_it_is_refused():
    class EventWithMethod(serializers.Serializer):
        label = serializers.SerializerMethodField()

        def get_label(self, event):
            return str(event)

    class WithEventLabels(ColumnsOut):
        events = EventWithMethod(many=True, read_only=True)

        class Meta:
            model = Parcel
            fields = ["id", "events"]

    with pytest.raises(TypeError, match=r"WithEventLabels\.events"):
        WithEventLabels(Parcel(id=1)).data  # noqa: B018


class ItemIn(serializers.Serializer):
    sku = serializers.IntegerField(min_value=1)
    count = serializers.IntegerField(min_value=1)


class BasketIn(FieldsBuiltOnce, serializers.Serializer):
    items = ItemIn(many=True, allow_empty=False)
    note = serializers.CharField(required=False, default="")

    def validate_note(self, note):
        return note.strip()


def test_a_body_serializer_builds_its_fields_once_and_validates_each_body_on_its_own():
    bad = BasketIn(data={"items": [{"sku": 0, "count": 1}]})
    good = BasketIn(data={"items": [{"sku": 7, "count": 2}], "note": " fragile "})
    worse = BasketIn(data={"items": [{"sku": "x", "count": 1}, {"sku": 1, "count": 0}]})
    assert not bad.is_valid() and good.is_valid() and not worse.is_valid()
    assert bad.errors == {"items": [{"sku": ["Ensure this value is greater than or equal to 1."]}]}
    assert good.validated_data == {"items": [{"sku": 7, "count": 2}], "note": "fragile"}
    assert worse.errors == {
        "items": [
            {"sku": ["A valid integer is required."]},
            {"count": ["Ensure this value is greater than or equal to 1."]},
        ]
    }
    assert bad.fields is good.fields is worse.fields  # built once, for the class
