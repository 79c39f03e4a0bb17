"""What shipping an order leaves behind: its DSCSA transaction record (immutable), and the
chargeback lines still to be reported to pricing (an outbox, so none is lost)."""

from django.db import models

from orders.models import Order, OrderLine


class TransactionRecord(models.Model):
    """The DSCSA transaction information, history and statement of one shipment.

    Written once, when the order ships; a database trigger (migration 0002) refuses any
    UPDATE or DELETE, so neither the application nor an admin can alter it.
    """

    order = models.OneToOneField(Order, related_name="transaction_record", on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    document = models.JSONField()

    def __str__(self) -> str:
        return f"DSCSA record of {self.order_id}"


class ChargebackReport(models.Model):
    """A shipped line to report to pricing; sent after the shipment commits, retried by
    ``reconcile`` until pricing has it (pricing is idempotent on order and drug)."""

    order = models.ForeignKey(Order, related_name="chargeback_reports", on_delete=models.CASCADE)
    line = models.OneToOneField(
        OrderLine, related_name="chargeback_report", on_delete=models.CASCADE
    )
    payload = models.JSONField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(sent_at__isnull=True), name="chargeback_unsent"
            )
        ]

    def __str__(self) -> str:
        return f"chargeback report for line {self.line_id}"
