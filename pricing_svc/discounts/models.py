"""Discount rules: date-bounded price reductions applied in priority order to a quote line."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from common.money import currency_field, money_field

PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class DiscountRule(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", "percent off"
        AMOUNT = "amount", "amount off each unit"
        TIER = "tier", "percent off by quantity tier"

    class OrgType(models.TextChoices):
        HOSPITAL = "hospital"
        PHARMACY = "pharmacy"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = money_field(
        null=True, blank=True, help_text="percent: 0-100; amount: off each unit; tier: empty."
    )
    currency = currency_field(help_text="The currency of an amount rule's value.")
    # Empty conditions match everything: drug, kind of buyer, one buyer.
    drug = models.PositiveBigIntegerField(null=True, blank=True)
    org_type = models.CharField(max_length=20, choices=OrgType.choices, blank=True)
    buyer_org = models.PositiveBigIntegerField(null=True, blank=True)
    valid_from = models.DateField(help_text="First day in force.")
    valid_to = models.DateField(help_text="Last day in force (inclusive).")
    priority = models.IntegerField(default=100, help_text="Lower numbers apply first.")
    stackable = models.BooleanField(
        default=True, help_text="If not, no rule after this one applies to the line."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "id"]
        indexes = [
            models.Index(fields=["valid_from", "valid_to"], name="rule_validity"),
            models.Index(fields=["drug"], name="rule_drug"),
            models.Index(fields=["buyer_org"], name="rule_buyer_org"),
            models.Index(fields=["org_type"], name="rule_org_type"),
            models.Index(fields=["kind"], name="rule_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="rule_valid_to_after_from"
            ),
            models.CheckConstraint(
                condition=Q(kind="tier", value__isnull=True)
                | Q(kind="percent", value__gt=0, value__lte=100)
                | Q(kind="amount", value__gt=0),
                name="rule_value_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DiscountTier(models.Model):
    rule = models.ForeignKey(DiscountRule, on_delete=models.CASCADE, related_name="tiers")
    min_quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    percent = models.DecimalField(max_digits=7, decimal_places=4, validators=PERCENT_VALIDATORS)

    class Meta:
        ordering = ["min_quantity"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "min_quantity"], name="tier_unique_min_qty"),
            models.CheckConstraint(
                condition=Q(percent__gt=0, percent__lte=100), name="tier_percent_0_100"
            ),
            models.CheckConstraint(condition=Q(min_quantity__gte=1), name="tier_min_qty_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.min_quantity}+ units: {self.percent}% off"
