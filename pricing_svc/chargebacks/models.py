"""Shipped lines reported by orders, and the chargebacks claimed from manufacturers for
lines sold under a contract below the list price: (list - contract) x quantity."""

from django.db import models
from django.db.models import Q

from common.money import currency_field, money_field
from contracts.models import Contract


class ShippedLine(models.Model):
    """One line of one shipment, as orders reported it; (order_ref, drug) is reported once."""

    order_ref = models.CharField(max_length=100)
    buyer_org = models.PositiveBigIntegerField()
    drug = models.PositiveBigIntegerField()
    quantity = models.PositiveIntegerField()
    unit_price = money_field(help_text="What the buyer was charged for one unit.")
    currency = currency_field()
    contract_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="As reported.")
    shipped_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["-shipped_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["order_ref", "drug"], name="shippedline_once"),
        ]

    def __str__(self) -> str:
        return f"{self.order_ref}: {self.quantity} x drug {self.drug}"


class Chargeback(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        SUBMITTED = "submitted"
        PAID = "paid"
        REJECTED = "rejected"

    shipped_line = models.OneToOneField(
        ShippedLine, on_delete=models.PROTECT, related_name="chargeback"
    )
    # Copied from the shipped line and the price rows, so lists and reports need no joins.
    order_ref = models.CharField(max_length=100)
    buyer_org = models.PositiveBigIntegerField()
    drug = models.PositiveBigIntegerField()
    drug_name = models.CharField(max_length=300, blank=True)
    manufacturer = models.CharField(max_length=200, blank=True)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="chargebacks")
    quantity = models.PositiveIntegerField()
    list_price = money_field()
    contract_price = money_field()
    amount = money_field(help_text="(list - contract) x quantity, rounded half-up to cents.")
    currency = currency_field()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    shipped_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-shipped_at", "-id"]
        indexes = [
            models.Index(fields=["status", "shipped_at"], name="chargeback_status"),
            models.Index(fields=["manufacturer", "shipped_at"], name="chargeback_manufacturer"),
            models.Index(fields=["shipped_at"], name="chargeback_shipped_at"),
            models.Index(fields=["buyer_org", "shipped_at"], name="chargeback_buyer_org"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order_ref", "drug"], name="chargeback_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="chargeback_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"chargeback {self.id}: {self.amount} {self.currency} ({self.status})"


class ChargebackEvent(models.Model):
    """The audit trail: every status a chargeback took, who moved it, when and why."""

    chargeback = models.ForeignKey(Chargeback, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=Chargeback.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Chargeback.Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.CharField(max_length=200)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["chargeback", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"
