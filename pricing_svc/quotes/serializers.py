"""Input and output shapes of quotes."""

from rest_framework import serializers

from common.serializers import ColumnsOut, FieldsBuiltOnce
from prices.money import MAX_QUANTITY, MAX_QUOTE_LINES
from prices.serializers import drug_input
from quotes.models import Quote, QuoteLine
from quotes.services import PATIENT, LineIn

BUYER_KINDS = ["hospital", "pharmacy", "distributor", PATIENT]


class QuoteLineInputSerializer(serializers.Serializer):
    drug = drug_input()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class QuoteInputSerializer(FieldsBuiltOnce, serializers.Serializer):
    lines = QuoteLineInputSerializer(many=True, min_length=1, max_length=MAX_QUOTE_LINES)
    buyer_org = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text="A buyer's own organization (the default); required with a service token "
        "unless buyer_org_type is 'patient'.",
    )
    buyer_org_type = serializers.ChoiceField(
        choices=BUYER_KINDS,
        required=False,
        default="",
        allow_blank=True,
        help_text="Service tokens only: the buyer's kind, for rules by kind of buyer "
        "(a buyer's own kind comes from its token); 'patient' quotes for no organization.",
    )

    def validate(self, attrs):
        attrs["lines"] = [
            LineIn(drug=line["drug"], quantity=line["quantity"]) for line in attrs["lines"]
        ]
        return attrs


class AppliedStepSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=["list", "contract", "rule"])
    id = serializers.IntegerField()
    description = serializers.CharField()
    unit_price_after = serializers.DecimalField(max_digits=20, decimal_places=4)


class QuoteLineSerializer(ColumnsOut):
    """A quote line as the API shows it, with the steps that made its unit price."""

    applied = AppliedStepSerializer(many=True, read_only=True)
    line_total = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True)

    class Meta:
        model = QuoteLine
        fields = ["drug", "quantity", "list_price", "unit_price", "line_total", "applied"]


class QuoteSerializer(ColumnsOut):
    """A quote as the API shows it."""

    lines = QuoteLineSerializer(many=True, read_only=True)
    total = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True)

    class Meta:
        model = Quote
        fields = [
            "id",
            "buyer_org",
            "currency",
            "lines",
            "total",
            "valid_until",
            "created_at",
        ]
