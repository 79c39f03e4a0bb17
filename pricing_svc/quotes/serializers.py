"""Input and output shapes of quotes."""

from rest_framework import serializers

from common.serializers import ColumnsOut
from prices.money import MAX_QUANTITY, MAX_QUOTE_LINES
from prices.serializers import drug_input
from quotes.models import Quote, QuoteLine
from quotes.services import PATIENT, LineIn

BUYER_KINDS = ["hospital", "pharmacy", "distributor", PATIENT]


class QuoteLineInputSerializer(serializers.Serializer):
    drug = drug_input()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


# An input serializer whose fields are built and bound once per class, not per request.
# DRF deep-copies a serializer's declared fields, a nested serializer's with them, for each
# instance it makes: an eighth of a quote's CPU. Fields that keep nothing between calls (plain
# fields and nested serializers of them, no context, no ``partial``) can serve every request:
# each request's serializer still keeps its own data, errors and validated data. (No
# docstring: the API schema would show it as every subclass's description.)
class FieldsBuiltOnce:
    @property
    def fields(self):
        serializer_class = type(self)
        # Kept on the class itself (not inherited), so a subclass builds its own.
        built = serializer_class.__dict__.get("_fields_built_once")
        if built is None:
            built = super(FieldsBuiltOnce, serializer_class()).fields
            serializer_class._fields_built_once = built
        return built


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
