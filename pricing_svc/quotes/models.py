"""Quotes: a priced basket for one buyer organization, stored and valid for a short time."""

import uuid

from django.db import models

from common.money import currency_field, money_field


class Quote(models.Model):
    # Random ids: a quote id says nothing about how many quotes others asked for.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # None for a patient's (B2C) quote, asked by orders: list prices and general rules only.
    buyer_org = models.PositiveBigIntegerField(null=True, blank=True)
    buyer_org_type = models.CharField(max_length=20, blank=True)
    currency = currency_field()
    total = money_field()
    valid_until = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.CharField(max_length=200, help_text="user:<id> or client:<id>")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["buyer_org", "created_at"], name="quote_buyer_created")]

    def __str__(self) -> str:
        return f"quote {self.id} for org {self.buyer_org}: {self.total} {self.currency}"


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    drug = models.PositiveBigIntegerField()
    quantity = models.PositiveIntegerField()
    list_price = money_field(null=True, blank=True)
    unit_price = money_field()
    line_total = money_field()
    # The explanation as it was when quoted: [{source, id, description, unit_price_after}].
    applied = models.JSONField(default=list)

    class Meta:
        ordering = ["quote", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "position"], name="quoteline_position"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x drug {self.drug} at {self.unit_price}"
