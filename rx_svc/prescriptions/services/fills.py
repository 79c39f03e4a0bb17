"""Fills used by orders (orders_svc's saga): consume one, idempotently per order, and give
it back when the order fails later.

The fill count only ever changes in a conditional ``UPDATE`` (``fills_remaining > 0``), so
concurrent orders can never use more fills than the prescription has.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from common.errors import Conflict, NotFound
from prescriptions.actors import Actor
from prescriptions.models import Fill, Prescription
from prescriptions.services.transitions import prescription_transition

Status = Prescription.Status


@dataclass(frozen=True)
class FillOutcome:
    fill: Fill
    prescription: Prescription
    # False when nothing changed: a repeated consume answered from the first one, or a
    # revert that had no fill to give back.
    changed: bool


def _prescription(prescription_id: int, patient_id: str | None = None) -> Prescription:
    """The prescription; another patient's is as good as none (no enumeration)."""
    prescription = Prescription.objects.filter(pk=prescription_id).first()
    if prescription is None or patient_id not in (None, prescription.patient_id):
        raise NotFound(f"No prescription {prescription_id}.", code="prescription_not_found")
    return prescription


def _replay(fill: Fill, prescription: Prescription, drug_id: int, quantity: int) -> FillOutcome:
    if fill.consumed_at is None or fill.reverted_at is not None:
        raise Conflict(
            f"Order {fill.order_ref} was reverted; its fill cannot be used again.",
            code="order_reverted",
        )
    if (fill.drug_id, fill.quantity) != (drug_id, quantity):
        raise Conflict(
            f"Order {fill.order_ref} already used a fill for other lines.", code="order_ref_reused"
        )
    return FillOutcome(fill=fill, prescription=prescription, changed=False)


def _refuse_lines(prescription: Prescription, drug_id: int, quantity: int) -> None:
    if drug_id != prescription.drug_id:
        raise Conflict(
            f"Prescription {prescription.pk} is for drug {prescription.drug_id}, not {drug_id}.",
            code="drug_mismatch",
        )
    if quantity > prescription.quantity:
        raise Conflict(
            f"Prescription {prescription.pk} allows {prescription.quantity} per fill.",
            code="quantity_exceeds_prescription",
        )


def _unusable(prescription_id: int) -> Conflict:
    """Why the conditional update matched nothing, as the caller's stable code."""
    prescription = Prescription.objects.get(pk=prescription_id)
    if prescription.status == Status.EXPIRED or prescription.is_past_validity():
        return Conflict(f"Prescription {prescription_id} has expired.", code="prescription_expired")
    if prescription.status in (Status.USED_UP, Status.VERIFIED):
        return Conflict(
            f"Prescription {prescription_id} has no fills left.", code="prescription_used_up"
        )
    return Conflict(
        f"Prescription {prescription_id} is {prescription.status}, not verified.",
        code="prescription_not_verified",
    )


def _status_follows_fills(prescription: Prescription, by: Actor, reason: str) -> Prescription:
    """After the counter changed: no fills left is ``used_up``, a fill given back to a
    used-up prescription makes it ``verified`` again."""
    prescription.refresh_from_db()
    if prescription.status == Status.VERIFIED and prescription.fills_remaining == 0:
        to = Status.USED_UP
    elif prescription.status == Status.USED_UP and prescription.fills_remaining > 0:
        to = Status.VERIFIED
    else:
        return prescription
    return prescription_transition(prescription=prescription, to=to, by=by, reason=reason)


@transaction.atomic
def prescription_consume(
    *,
    prescription_id: int,
    order_ref: str,
    drug_id: int,
    quantity: int,
    by: Actor,
    patient_id: str | None = None,
) -> FillOutcome:
    """Use one fill for ``order_ref``. A repeat for the same order answers the first fill.
    With ``patient_id`` (the ordering patient), only that patient's prescription is used."""
    prescription = _prescription(prescription_id, patient_id)
    existing = Fill.objects.filter(prescription=prescription, order_ref=order_ref).first()
    if existing is not None:
        return _replay(existing, prescription, drug_id, quantity)
    _refuse_lines(prescription, drug_id, quantity)
    now = timezone.now()
    try:
        with transaction.atomic():
            fill = Fill.objects.create(
                prescription=prescription,
                order_ref=order_ref,
                drug_id=drug_id,
                quantity=quantity,
                consumed_by=by.id,
                consumed_at=now,
            )
    except IntegrityError:
        # The same order's consume committed first (it held the unique key until then).
        existing = Fill.objects.get(prescription=prescription, order_ref=order_ref)
        prescription.refresh_from_db()
        return _replay(existing, prescription, drug_id, quantity)
    used = Prescription.objects.filter(
        pk=prescription.pk,
        status=Status.VERIFIED,
        fills_remaining__gt=0,
        valid_until__gte=timezone.localdate(),
    ).update(fills_remaining=F("fills_remaining") - 1, updated_at=now)
    if not used:
        raise _unusable(prescription.pk)  # and the fill row rolls back with it
    prescription = _status_follows_fills(prescription, by, f"fill used by order {order_ref}")
    return FillOutcome(fill=fill, prescription=prescription, changed=True)


@transaction.atomic
def prescription_fill_revert(*, prescription_id: int, order_ref: str, by: Actor) -> FillOutcome:
    """Give back the fill ``order_ref`` used (compensation). Repeats are harmless; a revert
    that arrives before its consume leaves a tombstone, so the late consume is refused."""
    prescription = _prescription(prescription_id)
    now = timezone.now()
    try:
        with transaction.atomic():
            tombstone = Fill.objects.create(
                prescription=prescription,
                order_ref=order_ref,
                drug_id=prescription.drug_id,
                quantity=0,
                consumed_by=by.id,
                reverted_at=now,
            )
        return FillOutcome(fill=tombstone, prescription=prescription, changed=False)
    except IntegrityError:
        pass
    fill = Fill.objects.select_for_update().get(prescription=prescription, order_ref=order_ref)
    if fill.reverted_at is not None:
        return FillOutcome(fill=fill, prescription=prescription, changed=False)
    fill.reverted_at = now
    fill.save(update_fields=["reverted_at"])
    # Conditional like every change of the counter: it can never pass refills + 1.
    Prescription.objects.filter(pk=prescription.pk, fills_remaining__lt=F("refills") + 1).update(
        fills_remaining=F("fills_remaining") + 1, updated_at=now
    )
    prescription = _status_follows_fills(prescription, by, f"fill given back by order {order_ref}")
    return FillOutcome(fill=fill, prescription=prescription, changed=True)
