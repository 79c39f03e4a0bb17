"""Verified prescriptions past their validity become ``expired`` (``expire_prescriptions``).

Reads and consumes already treat them as expired on the day; this writes it down, with an
event, for the audit trail and the admin's filters.
"""

from django.db import transaction
from django.utils import timezone

from prescriptions.actors import SYSTEM
from prescriptions.locks import prescription_lock
from prescriptions.models import Prescription
from prescriptions.services.transitions import prescription_transition

Status = Prescription.Status


def prescriptions_expire_due() -> int:
    """Expire every verified prescription whose ``valid_until`` has passed; how many."""
    due = Prescription.objects.filter(
        status=Status.VERIFIED, valid_until__lt=timezone.localdate()
    ).values_list("pk", flat=True)
    expired = 0
    for prescription_id in list(due):
        # One transaction each: a long run never holds many locks, and an order consuming
        # one meanwhile is simply seen under the lock.
        with transaction.atomic():
            prescription = prescription_lock(prescription_id=prescription_id)
            if not prescription.is_past_validity():
                continue
            prescription_transition(
                prescription=prescription,
                to=Status.EXPIRED,
                by=SYSTEM,
                reason=f"valid until {prescription.valid_until}",
            )
            expired += 1
    return expired
