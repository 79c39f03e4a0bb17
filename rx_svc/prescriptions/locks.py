"""Row locks of this app, in one place (STYLE.md).

Only one prescription row is ever locked per transaction; a transaction that also touches
a fill takes the fill first (its unique key or row), then the prescription, everywhere.
"""

from common.errors import NotFound
from prescriptions.models import Prescription


def prescription_lock(*, prescription_id: int, pharmacy_id: int | None = None) -> Prescription:
    """The prescription, locked until the end of the transaction; 404 if there is none, or
    if it was sent to another pharmacy than ``pharmacy_id`` (when given)."""
    prescriptions = Prescription.objects.select_for_update().filter(pk=prescription_id)
    if pharmacy_id is not None:
        prescriptions = prescriptions.filter(pharmacy_id=pharmacy_id)
    prescription = prescriptions.first()
    if prescription is None:
        raise NotFound(f"No prescription {prescription_id}.", code="not_found")
    return prescription
