"""The prescription state machine: one dict of allowed moves, one service that makes them."""

from collections.abc import Callable, Mapping

from django.db import transaction

from common.transitions import transition_apply
from prescriptions.actors import Actor
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
    after_commit: Callable[[], object] | None = None,
) -> Prescription:
    """Move ``prescription`` to ``to`` (with ``changes`` to its fields) if the state machine
    allows it, and write the event; 409 ``invalid_transition`` otherwise. ``after_commit``
    runs once the move is committed."""
    transition_apply(
        prescription,
        to,
        table=TRANSITIONS,
        subject="The prescription",
        changes=changes,
        record=lambda from_status, _: event_write(
            prescription=prescription, from_status=from_status, by=by, reason=reason, notes=notes
        ),
        after_commit=after_commit,
    )
    return prescription
