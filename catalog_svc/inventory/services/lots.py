"""Lot status changes (quarantine, release, recall, expiry), each with its audit event.

A lot that stops being sellable gives up the stock it holds for open reservations: they
are re-allocated to the drug's other lots, FEFO, or released.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from common.errors import Conflict, NotFound
from common.transitions import transition_apply
from inventory.locks import drugs_lock, lots_lock, reservations_lock
from inventory.models import (
    Allocation,
    Lot,
    LotEvent,
    LotStatus,
    ReservationStatus,
    Shipment,
)
from inventory.selectors import lot_get
from inventory.services.holds import Reallocation, holds_reallocate

LOT_TRANSITIONS = {
    LotStatus.AVAILABLE: {LotStatus.QUARANTINED, LotStatus.RECALLED, LotStatus.EXPIRED},
    LotStatus.QUARANTINED: {LotStatus.AVAILABLE, LotStatus.RECALLED, LotStatus.EXPIRED},
    LotStatus.EXPIRED: {LotStatus.RECALLED},
    LotStatus.RECALLED: set(),
}
EXPIRY_ACTOR = "system:expire_lots"


@dataclass(frozen=True)
class LotTransitionResult:
    lot: Lot
    reallocation: Reallocation


@dataclass(frozen=True)
class RecallResult:
    lot: Lot
    reallocation: Reallocation
    shipments: QuerySet[Shipment]


def lot_transition(
    *, lot_id: int, to: str, actor: str, reason: str, owner_org: int | None = None
) -> LotTransitionResult:
    """Change a lot's status as ``LOT_TRANSITIONS`` allows (409 ``invalid_transition``
    otherwise), write the event row, and move open reservations off a lot leaving sale.

    ``owner_org`` limits the lots the caller may change (``None``: any); others → 404.
    """
    today = timezone.localdate()
    with transaction.atomic():
        lot = lot_get(lot_id=lot_id, owner_org=owner_org)
        if lot is None:
            raise NotFound("No such lot in your warehouses.", code="not_found")
        drugs_lock([lot.drug_id])
        holders = Allocation.objects.filter(
            lot_id=lot.pk, line__reservation__status=ReservationStatus.HELD
        ).values_list("line__reservation_id", flat=True)
        reservations = reservations_lock(holders)
        drug_lots = lots_lock(
            Lot.objects.filter(
                Q(pk=lot.pk)
                | Q(drug_id=lot.drug_id, status=LotStatus.AVAILABLE, on_hand__gt=F("reserved"))
            )
        )
        lot = next(locked for locked in drug_lots if locked.pk == lot.pk)
        # Only a move the table allows is refused for the date; any other is a 409 below.
        releasable = to in LOT_TRANSITIONS[lot.status]
        if to == LotStatus.AVAILABLE and releasable and lot.expiry_date < today:
            raise Conflict(
                f"Lot {lot.lot_number} expired on {lot.expiry_date}.", code="lot_expired"
            )
        from_status = transition_apply(
            lot,
            to,
            table=LOT_TRANSITIONS,
            subject=f"Lot {lot.lot_number}",
            record=lambda from_status, to_status: LotEvent.objects.create(
                lot=lot, from_status=from_status, to_status=to_status, actor=actor, reason=reason
            ),
        )
        reallocation = Reallocation(released=[], reallocated=[])
        if from_status == LotStatus.AVAILABLE:
            reallocation = holds_reallocate(
                lot=lot, reservations=reservations, drug_lots=drug_lots, actor=actor
            )
            lot.refresh_from_db()  # the holds it gave up changed its counters
    return LotTransitionResult(lot=lot, reallocation=reallocation)


def lot_recall(*, lot_id: int, actor: str, reason: str, owner_org: int | None) -> RecallResult:
    """Recall a lot: it never sells again, open reservations on it are re-allocated or
    released, and every shipment that ever carried it is listed for the recall notices."""
    result = lot_transition(
        lot_id=lot_id, to=LotStatus.RECALLED, actor=actor, reason=reason, owner_org=owner_org
    )
    shipments = Shipment.objects.filter(lot=result.lot).order_by("shipped_at", "pk")
    return RecallResult(lot=result.lot, reallocation=result.reallocation, shipments=shipments)


def lots_expire(*, today=None) -> int:
    """Mark every lot past its expiry date ``expired``; returns how many changed.

    Safe on a schedule and concurrently with itself: each lot changes in its own short
    transaction, and a lot already changed by someone else is skipped.
    """
    today = today or timezone.localdate()
    due = Lot.objects.filter(
        status__in=[LotStatus.AVAILABLE, LotStatus.QUARANTINED], expiry_date__lt=today
    ).values_list("pk", flat=True)
    expired = 0
    for lot_id in list(due):
        try:
            lot_transition(
                lot_id=lot_id,
                to=LotStatus.EXPIRED,
                actor=EXPIRY_ACTOR,
                reason="expiry date passed",
            )
        except Conflict:
            continue  # recalled or expired meanwhile
        expired += 1
    return expired
