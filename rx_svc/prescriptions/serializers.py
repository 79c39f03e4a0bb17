"""Request and response shapes of the rx API (API.md)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from prescriptions.models import DocumentAccess, Prescription, PrescriptionEvent
from prescriptions.services import MAX_REFILLS


class PrescriptionUploadSerializer(serializers.Serializer):
    # Emptiness is the document check's to report (400 empty_file), like every content rule.
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    drug = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)
    prescriber_name = serializers.CharField(max_length=200)
    prescriber_license = serializers.CharField(max_length=60)
    written_on = serializers.DateField()
    pharmacy = serializers.IntegerField(
        min_value=1,
        help_text="The pharmacy it is sent to: an id from GET /api/auth/pharmacies/.",
    )


class PrescriptionListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Prescription.Status.choices, required=False)


class DocumentSerializer(serializers.Serializer):
    content_type = serializers.CharField(source="document_type")
    size = serializers.IntegerField(source="document_size")
    sha256 = serializers.CharField(source="document_sha256")
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_url(self, prescription: Prescription) -> str:
        return reverse("prescription-document", args=[prescription.pk])


class PrescriptionSerializer(serializers.ModelSerializer):
    patient = serializers.CharField(source="patient_id")
    pharmacy = serializers.IntegerField(source="pharmacy_id")
    drug = serializers.IntegerField(source="drug_id")
    status = serializers.ChoiceField(source="effective_status", choices=Prescription.Status.choices)
    document = DocumentSerializer(source="*")

    class Meta:
        model = Prescription
        fields = [
            "id",
            "patient",
            "pharmacy",
            "drug",
            "drug_name",
            "drug_ndc",
            "quantity",
            "refills",
            "fills_remaining",
            "prescriber_name",
            "prescriber_license",
            "written_on",
            "valid_until",
            "status",
            "claimed_by",
            "claimed_by_name",
            "claimed_at",
            "reviewed_by",
            "reviewed_at",
            "review_notes",
            "rejection_reason",
            "document",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PrescriptionEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = PrescriptionEvent
        fields = [
            "from_status",
            "to_status",
            "at",
            "by_id",
            "by_name",
            "by_role",
            "reason",
            "notes",
        ]
        read_only_fields = fields


class PrescriptionDetailSerializer(PrescriptionSerializer):
    events = PrescriptionEventSerializer(many=True, read_only=True)

    class Meta(PrescriptionSerializer.Meta):
        fields = [*PrescriptionSerializer.Meta.fields, "events"]
        read_only_fields = fields


class ApproveSerializer(serializers.Serializer):
    notes = serializers.CharField(allow_blank=True, required=False, default="")
    valid_until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Defaults to (and may be at most) a year after written_on.",
    )
    refills = serializers.IntegerField(min_value=0, max_value=MAX_REFILLS, default=0)


class RejectSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Prescription.RejectionReason.choices)
    notes = serializers.CharField(allow_blank=True, required=False, default="")


def order_ref_field() -> serializers.RegexField:
    return serializers.RegexField(r"^[A-Za-z0-9._:-]{1,100}$", max_length=100)


class OrderRefSerializer(serializers.Serializer):
    order_ref = order_ref_field()


class ConsumeSerializer(serializers.Serializer):
    order_ref = order_ref_field()
    drug = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1)
    patient = serializers.CharField(
        max_length=64,
        required=False,
        help_text="The ordering patient's user id; when given, another patient's "
        "prescription answers 404. Callers should always send it.",
    )


class FillSerializer(serializers.Serializer):
    """A consume's (or revert's) outcome: the fill and what is left of the prescription."""

    prescription = serializers.IntegerField(source="prescription.pk")
    order_ref = serializers.CharField(source="fill.order_ref")
    drug = serializers.IntegerField(source="fill.drug_id")
    quantity = serializers.IntegerField(source="fill.quantity")
    consumed_at = serializers.DateTimeField(source="fill.consumed_at", allow_null=True)
    reverted_at = serializers.DateTimeField(source="fill.reverted_at", allow_null=True)
    fills_remaining = serializers.IntegerField(source="prescription.fills_remaining")
    status = serializers.ChoiceField(
        source="prescription.effective_status", choices=Prescription.Status.choices
    )


class FillRevertSerializer(FillSerializer):
    fill_returned = serializers.BooleanField(source="changed")


class DocumentAccessQuerySerializer(serializers.Serializer):
    prescription = serializers.IntegerField(min_value=1, required=False)
    reader = serializers.CharField(max_length=200, required=False)


class DocumentAccessSerializer(serializers.ModelSerializer):
    prescription = serializers.IntegerField(source="prescription_id")
    reader = serializers.CharField(source="reader_id")

    class Meta:
        model = DocumentAccess
        fields = [
            "id",
            "prescription",
            "reader",
            "reader_name",
            "reader_role",
            "channel",
            "read_at",
        ]
        read_only_fields = fields
