"""Purchase orders: B2B (a hospital or pharmacy buying) and B2C (a patient buying), their
lines as confirmed, and the audit trail of every status change."""

from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Cast, Concat, Greatest, Length, LPad

from common.money import currency_field, money_field

ID_TEXT = Cast("id", models.TextField())


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        CONFIRMED = "confirmed"
        SHIPPED = "shipped"
        DELIVERED = "delivered"
        REJECTED = "rejected"
        CANCELLED = "cancelled"

    class Channel(models.TextChoices):
        B2B = "b2b"
        B2C = "b2c"

    class PriceSource(models.TextChoices):
        LIVE = "live"
        CACHED = "cached"

    class ReservationState(models.TextChoices):
        HELD = "held"
        RELEASED = "released"
        COMMITTED = "committed"

    # PC- and the id, eight digits or more: the database computes it as it inserts the row.
    number = models.GeneratedField(
        expression=Concat(
            Value("PC-"), LPad(ID_TEXT, Greatest(Value(8), Length(ID_TEXT)), Value("0"))
        ),
        output_field=models.CharField(max_length=20),
        db_persist=True,
        unique=True,
    )
    channel = models.CharField(max_length=3, choices=Channel.choices)
    buyer_org = models.IntegerField(null=True, blank=True)  # auth organization; None for B2C
    buyer_user = models.CharField(max_length=64)  # auth user id (or client id) who placed it
    seller_org = models.IntegerField()  # the distributor that fulfils it
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason_code = models.CharField(max_length=50, blank=True)
    reason_detail = models.TextField(blank=True)
    currency = currency_field()  # the quote's (or the cached prices') currency
    total = money_field(null=True, blank=True)
    price_source = models.CharField(max_length=6, choices=PriceSource.choices, blank=True)
    quote_id = models.CharField(max_length=64, blank=True)
    reservation_id = models.CharField(max_length=64, blank=True)
    reservation_state = models.CharField(
        max_length=10, choices=ReservationState.choices, blank=True
    )
    min_shelf_life_days = models.PositiveIntegerField(default=0)
    allow_backorder = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    # Placement is idempotent per caller and key; the first answer is kept to replay it.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001 - NULL: no key
    request_hash = models.CharField(max_length=64, blank=True)
    answer_status = models.PositiveSmallIntegerField(null=True, blank=True)
    answer_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["buyer_org", "-created_at"], name="order_buyer_org_created"),
            models.Index(fields=["buyer_user", "-created_at"], name="order_buyer_user_created"),
            models.Index(fields=["seller_org", "-created_at"], name="order_seller_created"),
            models.Index(fields=["status", "-created_at"], name="order_status_created"),
            models.Index(fields=["created_at"], name="order_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel="b2c") | Q(buyer_org__isnull=False),
                name="order_b2b_has_buyer_org",
            ),
            models.UniqueConstraint(
                fields=["buyer_user", "idempotency_key"], name="order_unique_idempotency_key"
            ),
        ]

    def __str__(self) -> str:
        return self.number if self.pk is not None else "new order"  # numbered as inserted


class OrderLine(models.Model):
    """One drug on an order: what was asked, what was confirmed, the price and the lots held.
    The drug's identity is copied at placement, so the order reads the same if the catalog
    changes later (and the DSCSA record needs it)."""

    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    line_no = models.PositiveSmallIntegerField()
    drug = models.IntegerField()
    requested_quantity = models.PositiveIntegerField()
    quantity = models.PositiveIntegerField(default=0)  # confirmed
    backordered_quantity = models.PositiveIntegerField(default=0)
    prescription = models.IntegerField(null=True, blank=True)
    unit_price = money_field(null=True, blank=True)
    line_total = money_field(null=True, blank=True)
    contract_id = models.CharField(max_length=64, blank=True)
    ndc = models.CharField(max_length=13, blank=True)
    name = models.CharField(max_length=200, blank=True)
    strength = models.CharField(max_length=100, blank=True)
    dosage_form = models.CharField(max_length=100, blank=True)
    pack_size = models.PositiveIntegerField(default=1)
    schedule = models.CharField(max_length=4, blank=True)
    rx_only = models.BooleanField(default=False)
    allocations = models.JSONField(default=list, blank=True)  # lots held by the reservation
    shipped_lots = models.JSONField(default=list, blank=True)  # lots that left, from commit
    accepted_quantity = models.PositiveIntegerField(null=True, blank=True)
    rejected_quantity = models.PositiveIntegerField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["order_id", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="orderline_unique_no"),
            models.CheckConstraint(
                condition=Q(quantity__lte=models.F("requested_quantity")),
                name="orderline_confirmed_le_requested",
            ),
        ]
        indexes = [models.Index(fields=["drug"], name="orderline_drug")]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.line_no}: {self.quantity} of drug {self.drug}"


class OrderEvent(models.Model):
    """The audit trail: every status change, who made it, when and why."""

    order = models.ForeignKey(Order, related_name="events", on_delete=models.CASCADE)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    at = models.DateTimeField(auto_now_add=True)
    by = models.CharField(max_length=100)  # Principal.actor, admin_actor or system:<job>
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '-'} -> {self.to_status}"


class ConsumedFill(models.Model):
    """A prescription fill this order used; given back if the order does not go through."""

    order = models.ForeignKey(Order, related_name="consumed_fills", on_delete=models.CASCADE)
    prescription = models.IntegerField()
    drug = models.IntegerField()
    quantity = models.PositiveIntegerField()
    reverted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "prescription"], name="fill_unique_per_order")
        ]

    def __str__(self) -> str:
        return f"order {self.order_id} used prescription {self.prescription}"
