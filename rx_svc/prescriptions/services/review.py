"""The pharmacist's work: claim a prescription from the queue, then approve or reject it
(or hand it back). Only the pharmacist holding a prescription may decide on it; the API and
the admin both come here.

Every decision names ``pharmacy_id``, the pharmacy whose queue the reviewer works: a
prescription sent to another pharmacy does not exist for them (404 ``not_found``). ``None``
is for those who work every queue (admins) and must be said explicitly."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from common.errors import Conflict, ValidationFailed
from prescriptions.actors import Actor
from prescriptions.locks import prescription_lock
from prescriptions.metrics import reviews_total
from prescriptions.models import Prescription
from prescriptions.services.transitions import prescription_transition

Status = Prescription.Status
# A prescription is valid for at most a year from the day it was written.
MAX_VALIDITY = timedelta(days=365)
MAX_REFILLS = 11


def _refuse_if_held_by_another(prescription: Prescription, by: Actor) -> None:
    if prescription.status == Status.IN_REVIEW and prescription.claimed_by != by.id:
        raise Conflict(
            f"Prescription {prescription.pk} is being reviewed by "
            f"{prescription.claimed_by_name or 'another pharmacist'}.",
            code="claimed_by_another",
            extra={"claimed_by": prescription.claimed_by},
        )


@transaction.atomic
def prescription_claim(*, prescription_id: int, pharmacy_id: int | None, by: Actor) -> Prescription:
    """``pending_review → in_review``, held by ``by``; claiming one's own claim again is a
    no-op. Of two pharmacists claiming at once, the row lock lets exactly one win."""
    locked = prescription_lock(prescription_id=prescription_id, pharmacy_id=pharmacy_id)
    if locked.status == Status.IN_REVIEW and locked.claimed_by == by.id:
        return locked
    _refuse_if_held_by_another(locked, by)
    return prescription_transition(
        prescription=locked,
        to=Status.IN_REVIEW,
        by=by,
        reason="claimed",
        changes={"claimed_by": by.id, "claimed_by_name": by.name, "claimed_at": timezone.now()},
    )


@transaction.atomic
def prescription_release(
    *, prescription_id: int, pharmacy_id: int | None, by: Actor, force: bool = False
) -> Prescription:
    """Hand a claimed prescription back to the queue (its holder, or an admin with ``force``)."""
    locked = prescription_lock(prescription_id=prescription_id, pharmacy_id=pharmacy_id)
    if not force:
        _refuse_if_held_by_another(locked, by)
    return prescription_transition(
        prescription=locked,
        to=Status.PENDING_REVIEW,
        by=by,
        reason="released",
        changes={"claimed_by": "", "claimed_by_name": "", "claimed_at": None},
    )


def _valid_until(prescription: Prescription, requested: date | None) -> date:
    latest = prescription.written_on + MAX_VALIDITY
    valid_until = requested or latest
    problem = None
    if valid_until < timezone.localdate():
        problem = ("valid_until_in_past", "valid_until must not be in the past.")
    elif valid_until > latest:
        problem = ("valid_until_too_late", f"A prescription written then is valid until {latest}.")
    if problem:
        code, message = problem
        raise ValidationFailed(message, code=code, extra={"errors": {"valid_until": [message]}})
    return valid_until


@transaction.atomic
def prescription_approve(
    *,
    prescription_id: int,
    pharmacy_id: int | None,
    by: Actor,
    notes: str = "",
    valid_until: date | None,
    refills: int,
) -> Prescription:
    """``in_review → verified`` by the pharmacist holding it: ``refills + 1`` fills, valid
    until ``valid_until`` (default and latest: a year after it was written)."""
    if not 0 <= refills <= MAX_REFILLS:
        raise ValidationFailed(f"refills must be from 0 to {MAX_REFILLS}.", code="invalid_refills")
    locked = prescription_lock(prescription_id=prescription_id, pharmacy_id=pharmacy_id)
    _refuse_if_held_by_another(locked, by)
    changes = {
        "refills": refills,
        "fills_remaining": refills + 1,
        "reviewed_by": by.id,
        "reviewed_at": timezone.now(),
        "review_notes": notes,
    }
    if locked.status == Status.IN_REVIEW:  # else the transition refuses it
        changes["valid_until"] = _valid_until(locked, valid_until)
    return prescription_transition(
        prescription=locked,
        to=Status.VERIFIED,
        by=by,
        reason="approved",
        notes=notes,
        changes=changes,
        after_commit=lambda: reviews_total.labels("verified", "").inc(),
    )


@transaction.atomic
def prescription_reject(
    *, prescription_id: int, pharmacy_id: int | None, by: Actor, reason: str, notes: str = ""
) -> Prescription:
    """``in_review → rejected`` by the pharmacist holding it, with a reason code."""
    if reason not in Prescription.RejectionReason.values:
        raise ValidationFailed(f"Unknown rejection reason {reason!r}.", code="invalid_reason")
    locked = prescription_lock(prescription_id=prescription_id, pharmacy_id=pharmacy_id)
    _refuse_if_held_by_another(locked, by)
    return prescription_transition(
        prescription=locked,
        to=Status.REJECTED,
        by=by,
        reason=reason,
        notes=notes,
        changes={
            "rejection_reason": reason,
            "reviewed_by": by.id,
            "reviewed_at": timezone.now(),
            "review_notes": notes,
        },
        after_commit=lambda: reviews_total.labels("rejected", reason).inc(),
    )
