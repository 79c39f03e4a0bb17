"""Prescriptions patients upload, their review by pharmacists, the fills orders use, and the
audit trails: every status change (``PrescriptionEvent``) and every read of a document
(``DocumentAccess``).

People are referenced by their auth_svc user id (the token's ``sub``), drugs by their
catalog_svc id, and the pharmacy a prescription is sent to by its auth_svc organization id;
none of them lives in this database. Who did something (the event, claim, review, read and
fill columns) is written in the platform's one format, ``user:<id>``, ``client:<id>``,
``staff:<username>`` or ``system:<job>`` (``prescriptions.actors``).
"""

from django.db import models
from django.utils import timezone


class Prescription(models.Model):
    class Status(models.TextChoices):
        PENDING_REVIEW = "pending_review"
        IN_REVIEW = "in_review"
        VERIFIED = "verified"
        REJECTED = "rejected"
        USED_UP = "used_up"
        EXPIRED = "expired"

    class RejectionReason(models.TextChoices):
        ILLEGIBLE = "illegible"
        INCOMPLETE = "incomplete"
        INVALID_PRESCRIBER = "invalid_prescriber"
        EXPIRED = "expired"
        SUSPECTED_FRAUD = "suspected_fraud"
        OTHER = "other"

    patient_id = models.CharField(max_length=64)
    # The pharmacy the patient sent it to (an auth_svc organization): only its pharmacists
    # see and review it.
    pharmacy_id = models.PositiveIntegerField()
    drug_id = models.PositiveIntegerField()
    # A snapshot of the catalog entry at upload, so reviewers need not call the catalog.
    drug_name = models.CharField(max_length=255)
    drug_ndc = models.CharField(max_length=20, blank=True)
    quantity = models.PositiveIntegerField(help_text="Packs per fill.")
    refills = models.PositiveSmallIntegerField(default=0)
    fills_remaining = models.PositiveSmallIntegerField(default=0)
    prescriber_name = models.CharField(max_length=200)
    prescriber_license = models.CharField(max_length=60)
    written_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING_REVIEW)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_by_name = models.CharField(max_length=150, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.CharField(max_length=200, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_notes = models.TextField(blank=True)
    rejection_reason = models.CharField(max_length=30, choices=RejectionReason.choices, blank=True)

    # The document: a server-generated name in the "rx_documents" storage, never a URL.
    document_name = models.CharField(max_length=255, unique=True)
    document_type = models.CharField(max_length=50)
    document_size = models.PositiveIntegerField()
    document_sha256 = models.CharField(max_length=64)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        permissions = [("review_prescription", "Can claim, approve and reject prescriptions")]
        constraints = [
            # The same file uploaded twice by one patient is the same prescription.
            models.UniqueConstraint(
                fields=["patient_id", "document_sha256"], name="rx_prescription_patient_document"
            ),
            models.CheckConstraint(
                condition=models.Q(fills_remaining__lte=models.F("refills") + 1),
                name="rx_prescription_fills_within_refills",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="in_review") | ~models.Q(claimed_by=""),
                name="rx_prescription_in_review_is_claimed",
            ),
        ]
        indexes = [
            models.Index(fields=["patient_id", "created_at"], name="rx_prescription_patient_idx"),
            models.Index(fields=["status", "created_at"], name="rx_prescription_queue_idx"),
            models.Index(
                fields=["pharmacy_id", "status", "created_at"],
                name="rx_prescription_pharmacy_idx",
            ),
            models.Index(fields=["status", "valid_until"], name="rx_prescription_expiry_idx"),
            models.Index(fields=["created_at"], name="rx_prescription_created_idx"),
        ]

    def __str__(self) -> str:
        return f"Prescription {self.pk} ({self.drug_name})"

    @property
    def effective_status(self) -> str:
        """The status a reader sees: a verified prescription past its validity is expired
        even before ``expire_prescriptions`` has written that down."""
        if self.is_past_validity():
            return self.Status.EXPIRED
        return self.status

    def is_past_validity(self) -> bool:
        return (
            self.status == self.Status.VERIFIED
            and self.valid_until is not None
            and self.valid_until < timezone.localdate()
        )


class PrescriptionEvent(models.Model):
    """One status change: who, when, from, to, why."""

    prescription = models.ForeignKey(Prescription, related_name="events", on_delete=models.CASCADE)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)
    by_id = models.CharField(max_length=200)
    by_name = models.CharField(max_length=150, blank=True)
    by_role = models.CharField(max_length=30, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class Fill(models.Model):
    """One fill of a prescription used by an order (``order_ref``), or given back.

    A row whose ``consumed_at`` is empty is a tombstone: the order was reverted before its
    consume arrived, and that late consume must not use a fill.
    """

    prescription = models.ForeignKey(Prescription, related_name="fills", on_delete=models.PROTECT)
    order_ref = models.CharField(max_length=100)
    drug_id = models.PositiveIntegerField()
    quantity = models.PositiveIntegerField()
    consumed_by = models.CharField(max_length=200, blank=True)
    consumed_at = models.DateTimeField(null=True, blank=True)
    reverted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prescription", "order_ref"], name="rx_fill_prescription_order_ref"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_ref} on prescription {self.prescription_id}"


class DocumentAccess(models.Model):
    """One read of a prescription document, through the API or the admin."""

    class Channel(models.TextChoices):
        API = "api"
        ADMIN = "admin"

    prescription = models.ForeignKey(
        Prescription, related_name="document_reads", on_delete=models.PROTECT
    )
    reader_id = models.CharField(max_length=200)
    reader_name = models.CharField(max_length=150, blank=True)
    reader_role = models.CharField(max_length=30, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    request_id = models.CharField(max_length=128, blank=True)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "document accesses"
        indexes = [
            models.Index(fields=["prescription", "read_at"], name="rx_access_prescription_idx"),
            models.Index(fields=["reader_id", "read_at"], name="rx_access_reader_idx"),
            models.Index(fields=["read_at"], name="rx_access_read_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reader_name or self.reader_id} read {self.prescription_id}"


class QueuedPrescription(Prescription):
    """The pharmacists' review queue in the admin: prescriptions waiting for or in review."""

    class Meta:
        proxy = True
        verbose_name = "review queue entry"
        verbose_name_plural = "review queue"
