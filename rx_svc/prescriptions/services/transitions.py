"""The prescription state machine: one dict of allowed moves, one service that makes them."""

from collections.abc import Mapping

from django.db import transaction

from common.transitions import transition_check
from prescriptions.actors import Actor
from prescriptions.locks import prescription_lock
from prescriptions.models import Prescription, PrescriptionEvent

Status = Prescription.Status

TRANSITIONS: dict[str, set[str]] = {
    Status.PENDING_REVIEW: {Status.IN_REVIEW},
    # A pharmacist may also hand a claimed prescription back to the queue.
    Status.IN_REVIEW: {Status.VERIFIED, Status.REJECTED, Status.PENDING_REVIEW},
    Status.VERIFIED: {Status.USED_UP, Status.EXPIRED},
    # An order that used the last fill was rejected later and gave the fill back.
    Status.USED_UP: {Status.VERIFIED},
    Status.REJECTED: set(),
    Status.EXPIRED: set(),
}


def event_write(
    *, prescription: Prescription, from_status: str, by: Actor, reason: str = "", notes: str = ""
) -> PrescriptionEvent:
    return PrescriptionEvent.objects.create(
        prescription=prescription,
        from_status=from_status,
        to_status=prescription.status,
        by_id=by.id,
        by_name=by.name,
        by_role=by.role,
        reason=reason[:200],
        notes=notes,
    )


@transaction.atomic
def prescription_transition(
    *,
    prescription: Prescription,
    to: str,
    by: Actor,
    reason: str = "",
    notes: str = "",
    changes: Mapping[str, object] | None = None,
) -> Prescription:
    """Move ``prescription`` to ``to`` (with ``changes`` to its fields) if the state machine
    allows it, and write the event; 409 ``invalid_transition`` otherwise."""
    locked = prescription_lock(prescription_id=prescription.pk)
    transition_check(table=TRANSITIONS, current=locked.status, to=to, subject="The prescription")
    from_status = locked.status
    locked.status = to
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "updated_at", *(changes or {})])
    event_write(prescription=locked, from_status=from_status, by=by, reason=reason, notes=notes)
    return locked
