"""Webhooks out: the endpoints organizations register, the events (an outbox written in the
same transaction as the change they report), one delivery per event and endpoint, and the
cursor of the recall feed pulled from catalog."""

from django.db import models
from django.db.models import Q


class EventType(models.TextChoices):
    ORDER_CONFIRMED = "order.confirmed"
    ORDER_SHIPPED = "order.shipped"
    ORDER_DELIVERED = "order.delivered"
    ORDER_CANCELLED = "order.cancelled"
    RECALL_NOTICE = "recall.notice"


class Endpoint(models.Model):
    organization = models.PositiveIntegerField(db_index=True)  # an auth_svc organization
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)  # EventType values
    description = models.CharField(max_length=200, blank=True)
    # Standard Webhooks secrets, "whsec_<base64>". After a rotation the previous one still
    # signs (a second signature) until previous_secret_until, so receivers can switch over.
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.CharField(max_length=100)  # Principal.actor of who registered it
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.url} (organization {self.organization})"


class Event(models.Model):
    """One thing that happened, for one organization; its id is the ``webhook-id`` every
    delivery of it carries, so a receiver drops duplicates."""

    id = models.CharField(max_length=40, primary_key=True)  # "evt_<32 hex>"
    type = models.CharField(max_length=30, choices=EventType.choices)
    organization = models.PositiveIntegerField()
    payload = models.JSONField()
    # Makes recording idempotent where the source can repeat (a recall pulled twice).
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "created_at"], name="webhook_event_org")]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        DEAD = "dead"  # retried for the whole window and never accepted: a dead letter

    event = models.ForeignKey(Event, related_name="deliveries", on_delete=models.CASCADE)
    endpoint = models.ForeignKey(Endpoint, related_name="deliveries", on_delete=models.CASCADE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # Retries go on until window_started_at + WEBHOOK_RETRY_WINDOW; a replay starts a new one.
    window_started_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → endpoint {self.endpoint_id} ({self.status})"


class DeadLetter(Delivery):
    """Deliveries given up on, for the back office (replay from there)."""

    class Meta:
        proxy = True
        verbose_name = "dead letter"


class RecallCursor(models.Model):
    """The last catalog recall event turned into notices (one row)."""

    after = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"recalls after {self.after}"
