"""Contracts: customer-specific prices for one buyer organization over a period."""

from django.db import models
from django.db.models import F, Q

from common.money import currency_field
from prices.models import PricedDrug


class Contract(models.Model):
    buyer_org = models.PositiveBigIntegerField(help_text="Organization id in auth_svc.")
    name = models.CharField(max_length=200)
    currency = currency_field()
    valid_from = models.DateField(help_text="First day in force.")
    valid_to = models.DateField(help_text="Last day in force (inclusive).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        indexes = [
            models.Index(
                fields=["buyer_org", "valid_from", "valid_to"], name="contract_buyer_validity"
            ),
            models.Index(fields=["valid_from", "valid_to"], name="contract_validity"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="contract_valid_to_after_from"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (org {self.buyer_org}, {self.valid_from}…{self.valid_to})"


class ContractItem(PricedDrug):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="items")

    class Meta(PricedDrug.Meta):
        indexes = [models.Index(fields=["drug"], name="contractitem_drug")]
        constraints = [
            models.UniqueConstraint(fields=["contract", "drug"], name="contractitem_unique_drug"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="contractitem_price_gte_0"),
        ]
