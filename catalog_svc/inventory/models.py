"""Lot-level stock: lots and their status history, the stock ledger, receipts, reservations
(with their lot allocations) and shipments.

A lot's ``on_hand`` and ``reserved`` are running totals of its ledger rows (``Movement``),
changed in the same transaction as the row is written; ``available`` is derived by the
database and can never go negative (check constraint).
"""

from django.db import models
from django.db.models import F, Q

from catalog.models import Drug, Warehouse


class LotStatus(models.TextChoices):
    AVAILABLE = "available"
    QUARANTINED = "quarantined"
    RECALLED = "recalled"
    EXPIRED = "expired"


# What the expiring-lots report lists (and ``inventory_lot_expiring_idx`` holds): lots that
# can still be sold or released, with units on hand.
EXPIRING_STATUSES = [LotStatus.AVAILABLE, LotStatus.QUARANTINED]


class Lot(models.Model):
    drug = models.ForeignKey(Drug, on_delete=models.PROTECT, related_name="lots")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="lots")
    lot_number = models.CharField(max_length=40)
    # The last day the lot may be used: it is expired from the day after.
    expiry_date = models.DateField()
    status = models.CharField(max_length=12, choices=LotStatus.choices, default=LotStatus.AVAILABLE)
    on_hand = models.PositiveIntegerField(default=0)
    reserved = models.PositiveIntegerField(default=0)
    available = models.GeneratedField(
        expression=F("on_hand") - F("reserved"),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "drug", "lot_number"], name="inventory_lot_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(on_hand__gte=F("reserved")),
                name="inventory_lot_available_not_negative",
            ),
        ]
        indexes = [
            # FEFO: a drug's sellable lots, earliest expiry first.
            models.Index(fields=["drug", "status", "expiry_date"], name="inventory_lot_fefo_idx"),
            models.Index(fields=["warehouse", "status"], name="inventory_lot_wh_status_idx"),
            models.Index(fields=["expiry_date"], name="inventory_lot_expiry_idx"),
            models.Index(fields=["status", "expiry_date"], name="inventory_lot_status_exp_idx"),
            models.Index(fields=["lot_number"], name="inventory_lot_number_idx"),
            # The expiring-lots report: its lots in its order, so a page reads only its rows
            # (its count is ExpiringLotTally's).
            models.Index(
                fields=["expiry_date", "id"],
                include=["warehouse"],
                condition=Q(status__in=EXPIRING_STATUSES, on_hand__gt=0),
                name="inventory_lot_expiring_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"lot {self.lot_number} of drug {self.drug_id}"


class ExpiringLotTally(models.Model):
    """How many lots the expiring-lots report lists, per warehouse and expiry date, as rows of
    changes that add up: triggers on ``inventory_lot`` (migration 0006) add a row whenever
    lots enter the report (+n: received, released from quarantine) or leave it (-n: emptied,
    recalled, expired, deleted), and ``expiring_tally_compact`` merges each key's rows into
    one. The report's count sums a few hundred rows where it counted up to ~120k index
    entries (a 90-day window at 1M lots). Rows are only added and merged, never updated in
    place, so no two writers of the lots ever wait on each other here."""

    warehouse_id = models.BigIntegerField()
    expiry_date = models.DateField()
    lots = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["expiry_date", "warehouse_id"],
                include=["lots"],
                name="inventory_tally_expiry_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lots:+d} lots of warehouse {self.warehouse_id} expiring {self.expiry_date}"


class LotEvent(models.Model):
    """One status change of a lot: the audit trail (who, when, from, to, why)."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=LotStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=LotStatus.choices)
    actor = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["lot", "created_at"], name="inventory_lotevent_lot_idx")]

    def __str__(self) -> str:
        return f"lot {self.lot_id}: {self.from_status or '-'} → {self.to_status}"


class Receipt(models.Model):
    """Goods received into one warehouse; its lines are the receipt movements."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="receipts")
    actor = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"receipt {self.pk} into warehouse {self.warehouse_id}"


class ReservationStatus(models.TextChoices):
    HELD = "held"
    COMMITTED = "committed"
    RELEASED = "released"
    EXPIRED = "expired"


class Reservation(models.Model):
    # The caller's business reference (the order); one held reservation per reference.
    reference = models.CharField(max_length=100)
    status = models.CharField(
        max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.HELD
    )
    client = models.CharField(max_length=200)
    min_shelf_life_days = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()
    # Set when the caller's order is confirmed: from then on the hold waits for shipment
    # instead of lapsing at ``expires_at`` (only unconfirmed holds expire by themselves).
    confirmed_at = models.DateTimeField(null=True, blank=True)
    buyer_org = models.PositiveIntegerField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(status="held"),
                name="inventory_reservation_one_held_per_reference",
            )
        ]
        indexes = [
            # Holds that may lapse: unconfirmed ones. A confirmed hold stays held until it
            # ships, so an index of every held reservation grew with the order history and
            # the planner scanned the table instead.
            models.Index(
                fields=["expires_at"],
                condition=Q(status="held", confirmed_at__isnull=True),
                name="inventory_resv_lapsing_idx",
            ),
            models.Index(fields=["reference"], name="inventory_resv_reference_idx"),
        ]

    def __str__(self) -> str:
        return f"reservation {self.pk} ({self.reference}, {self.status})"


class ReservationLine(models.Model):
    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="lines")
    drug = models.ForeignKey(Drug, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reservation", "drug"], name="inventory_resvline_drug_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="inventory_resvline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of drug {self.drug_id}"


class Allocation(models.Model):
    """How much of a reservation line a lot holds (FEFO). Kept after release or commit as
    the record of what was held; only allocations of held reservations hold stock."""

    line = models.ForeignKey(ReservationLine, on_delete=models.CASCADE, related_name="allocations")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="allocations")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line", "lot"], name="inventory_allocation_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="inventory_allocation_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} from lot {self.lot_id}"


class ReservationEvent(models.Model):
    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=ReservationStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ReservationStatus.choices)
    actor = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"reservation {self.reservation_id}: {self.from_status or '-'} → {self.to_status}"


class MovementKind(models.TextChoices):
    RECEIPT = "receipt"
    RESERVATION = "reservation"
    RELEASE = "release"
    SHIPMENT = "shipment"
    ADJUSTMENT = "adjustment"
    WRITE_OFF = "write_off"
    RETURN = "return"


class AdjustmentReason(models.TextChoices):
    DAMAGE = "damage"
    THEFT = "theft"
    COUNT_CORRECTION = "count_correction"
    EXPIRED_WRITEOFF = "expired_writeoff"
    OTHER = "other"


class Movement(models.Model):
    """One row of the stock ledger: a change to a lot's on-hand and/or reserved quantity."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=12, choices=MovementKind.choices)
    on_hand_delta = models.IntegerField(default=0)
    reserved_delta = models.IntegerField(default=0)
    reason = models.CharField(max_length=20, choices=AdjustmentReason.choices, blank=True)
    note = models.TextField(blank=True)
    actor = models.CharField(max_length=200)
    reference = models.CharField(max_length=100, blank=True)  # order reference, if any
    receipt = models.ForeignKey(
        Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    reservation = models.ForeignKey(
        Reservation, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(on_hand_delta=0, reserved_delta=0),
                name="inventory_movement_changes_something",
            )
        ]
        indexes = [
            models.Index(fields=["lot", "id"], name="inventory_movement_lot_idx"),
            models.Index(fields=["kind", "id"], name="inventory_movement_kind_idx"),
            models.Index(fields=["created_at"], name="inventory_movement_created_idx"),
        ]

    def __str__(self) -> str:
        deltas = f"on hand {self.on_hand_delta:+}, reserved {self.reserved_delta:+}"
        return f"{self.kind} on lot {self.lot_id}: {deltas}"


class Shipment(models.Model):
    """Units of a lot that left with an order: the traceability a recall reads."""

    reservation = models.ForeignKey(Reservation, on_delete=models.PROTECT, related_name="shipments")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="shipments")
    drug = models.ForeignKey(Drug, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    buyer_org = models.PositiveIntegerField(null=True, blank=True)  # None: a patient (B2C)
    order_ref = models.CharField(max_length=100)
    shipped_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["lot", "shipped_at"], name="inventory_shipment_lot_idx")]

    def __str__(self) -> str:
        return f"{self.quantity} of lot {self.lot_id} to org {self.buyer_org} ({self.order_ref})"


class SerialStatus(models.TextChoices):
    IN_STOCK = "in_stock"
    SHIPPED = "shipped"


class SerialNumber(models.Model):
    """One serialized package (GTIN + serial, DSCSA's product identifier) received into a lot;
    when it leaves with a shipment, which one. A serial is unique per GTIN (drug)."""

    drug = models.ForeignKey(Drug, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="serials")
    serial = models.CharField(max_length=20)  # GS1 AI (21): up to 20 characters
    status = models.CharField(
        max_length=10, choices=SerialStatus.choices, default=SerialStatus.IN_STOCK
    )
    receipt = models.ForeignKey(
        Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="serials"
    )
    shipment = models.ForeignKey(
        Shipment, on_delete=models.PROTECT, null=True, blank=True, related_name="serials"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["drug", "serial"], name="inventory_serial_unique"),
            models.CheckConstraint(
                condition=Q(status="in_stock", shipment__isnull=True)
                | Q(status="shipped", shipment__isnull=False),
                name="inventory_serial_shipped_has_shipment",
            ),
        ]
        indexes = [
            models.Index(fields=["lot", "status", "id"], name="inventory_serial_lot_idx"),
        ]

    def __str__(self) -> str:
        return f"serial {self.serial} of lot {self.lot_id}"
