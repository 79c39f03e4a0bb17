"""Stock held by reservations: FEFO planning, holding and freeing stock on lots, the
reservation state machine, and moving holds off a lot that stopped being sellable.

Callers hold the locks (see ``inventory.locks``): the drugs, then the reservations, then
the lots concerned.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import chain

from django.db.models import F
from django.utils import timezone

from common.saving import insert_rows
from common.transitions import transition_apply
from inventory.models import (
    Allocation,
    Lot,
    LotStatus,
    MovementKind,
    Reservation,
    ReservationEvent,
    ReservationLine,
    ReservationStatus,
)
from inventory.services.ledger import stock_move, stock_reserve

RESERVATION_TRANSITIONS = {
    ReservationStatus.HELD: {
        ReservationStatus.COMMITTED,
        ReservationStatus.RELEASED,
        ReservationStatus.EXPIRED,
    },
    ReservationStatus.COMMITTED: set(),
    ReservationStatus.RELEASED: set(),
    ReservationStatus.EXPIRED: set(),
}


@dataclass(frozen=True)
class Reallocation:
    """What happened to the reservations that held stock on a lot leaving sale."""

    released: list[Reservation]
    reallocated: list[Reservation]


def fefo_order(lots: Iterable[Lot]) -> list[Lot]:
    """First expiry, first out; lots expiring the same day in the order they were created."""
    return sorted(lots, key=lambda lot: (lot.expiry_date, lot.pk))


def fefo_plan(
    lots: Sequence[Lot], quantity: int, room: Mapping[int, int] | None = None
) -> list[tuple[Lot, int]] | None:
    """How much to take from each of ``lots`` (in FEFO order) to make up ``quantity``, or
    ``None`` if they hold too little. ``room`` overrides each lot's ``available``."""
    plan, missing = [], quantity
    for lot in lots:
        free = lot.available if room is None else room.get(lot.pk, 0)
        take = min(free, missing)
        if take > 0:
            plan.append((lot, take))
            missing -= take
        if missing == 0:
            return plan
    return None


def shelf_life_cutoff(min_shelf_life_days: int, today: date | None = None) -> date:
    """The earliest expiry date a lot may have to serve a reservation."""
    return (today or timezone.localdate()) + timedelta(days=min_shelf_life_days)


def stock_hold(
    *, reservation: Reservation, line: ReservationLine, lot: Lot, quantity: int, actor: str
) -> None:
    """Hold ``quantity`` of ``lot`` for ``line``: counters, ledger row, and the line's
    allocation of ``lot`` grown or created."""
    stock_reserve(reservation=reservation, quantities=[(lot, quantity)], actor=actor)
    allocated = Allocation.objects.filter(line=line, lot=lot).update(
        quantity=F("quantity") + quantity
    )
    if not allocated:
        Allocation.objects.create(line=line, lot=lot, quantity=quantity)


def new_lines_hold(
    *,
    reservation: Reservation,
    plans: Mapping[ReservationLine, Sequence[tuple[Lot, int]]],
    actor: str,
) -> dict[ReservationLine, list[Allocation]]:
    """Hold each line's FEFO plan, for lines made in this transaction (holding nothing yet,
    and a plan names each lot once): one conditional ``UPDATE`` per lot, then the ledger
    rows and the allocations in one ``INSERT`` each. Each line's allocations, lots loaded."""
    stock_reserve(
        reservation=reservation,
        quantities=[held for plan in plans.values() for held in plan],
        actor=actor,
    )
    allocations = {
        line: [Allocation(line=line, lot=lot, quantity=quantity) for lot, quantity in plan]
        for line, plan in plans.items()
    }
    insert_rows(list(chain.from_iterable(allocations.values())))
    return allocations


def stock_free(*, reservation: Reservation, allocation: Allocation, actor: str) -> None:
    """Give back what ``allocation`` holds (a release movement); the allocation stays."""
    stock_move(
        lot_id=allocation.lot_id,
        kind=MovementKind.RELEASE,
        actor=actor,
        reserved_delta=-allocation.quantity,
        reference=reservation.reference,
        reservation=reservation,
    )


def reservation_transition(
    *,
    reservation: Reservation,
    to: str,
    actor: str,
    reason: str,
    changes: Mapping[str, object] | None = None,
) -> str:
    """Move a reservation to ``to`` (with ``changes``) if ``RESERVATION_TRANSITIONS`` allows
    it (409 ``invalid_transition`` otherwise) and write the event row; the status it left.
    The caller holds the reservation's lock, taken in the inventory's order."""
    return transition_apply(
        reservation,
        to,
        table=RESERVATION_TRANSITIONS,
        subject=f"Reservation {reservation.pk}",
        changes=changes,
        record=lambda from_status, to_status: ReservationEvent.objects.create(
            reservation=reservation,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            reason=reason,
        ),
    )


def reservation_free_all(*, reservation: Reservation, to: str, actor: str, reason: str) -> None:
    """End a held reservation (released or expired): every unit it holds becomes available."""
    reservation_transition(reservation=reservation, to=to, actor=actor, reason=reason)
    allocations = Allocation.objects.filter(line__reservation=reservation).order_by("lot_id")
    for allocation in allocations:
        stock_free(reservation=reservation, allocation=allocation, actor=actor)


def holds_reallocate(
    *, lot: Lot, reservations: Sequence[Reservation], drug_lots: Sequence[Lot], actor: str
) -> Reallocation:
    """Move the holds of ``reservations`` off ``lot`` (no longer sellable) to the drug's
    other sellable lots, FEFO and respecting each reservation's minimum shelf life; a
    reservation that cannot be covered in full is released entirely, so its holder never
    keeps a partial or unsellable allocation.

    ``drug_lots``: the drug's lots, locked, with current counters.
    """
    room = {
        other.pk: other.available
        for other in drug_lots
        if other.pk != lot.pk and other.status == LotStatus.AVAILABLE
    }
    candidates = fefo_order(other for other in drug_lots if other.pk in room)
    on_lot: dict[int, list[Allocation]] = {}
    for allocation in Allocation.objects.filter(
        lot=lot,
        line__reservation__in=reservations,
        line__reservation__status=ReservationStatus.HELD,
    ).select_related("line"):
        on_lot.setdefault(allocation.line.reservation_id, []).append(allocation)
    released, reallocated = [], []
    why = f"lot {lot.lot_number} is {lot.status}"
    for reservation in reservations:
        allocations = on_lot.get(reservation.pk, [])
        if not allocations:
            continue  # released or committed while we waited for its lock
        cutoff = shelf_life_cutoff(reservation.min_shelf_life_days)
        usable = [other for other in candidates if other.expiry_date >= cutoff]
        plan = fefo_plan(usable, sum(a.quantity for a in allocations), room)
        if plan is None:
            for held in Allocation.objects.filter(
                line__reservation=reservation, lot_id__in=list(room)
            ):
                room[held.lot_id] += held.quantity
            reservation_free_all(
                reservation=reservation,
                to=ReservationStatus.RELEASED,
                actor=actor,
                reason=f"{why}; not enough other sellable stock",
            )
            released.append(reservation)
            continue
        for allocation in allocations:
            stock_free(reservation=reservation, allocation=allocation, actor=actor)
            allocation.delete()
        line = allocations[0].line
        for target, quantity in plan:
            stock_hold(
                reservation=reservation, line=line, lot=target, quantity=quantity, actor=actor
            )
            room[target.pk] -= quantity
        ReservationEvent.objects.create(
            reservation=reservation,
            from_status=reservation.status,
            to_status=reservation.status,
            actor=actor,
            reason=f"{why}; re-allocated to lots {', '.join(t.lot_number for t, _ in plan)}",
        )
        reallocated.append(reservation)
    return Reallocation(released=released, reallocated=reallocated)
