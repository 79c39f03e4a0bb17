"""Reservations: FEFO allocation of several lines, all or nothing; release; commit
(shipment); expiry of holds that were never committed.

Lock order (``inventory.locks``): the drugs of the reservation, the reservation, its lots.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from common.errors import Conflict, NotFound, ValidationFailed
from common.saving import insert_rows
from common.transactions import transaction_joined
from common.transitions import InvalidTransition
from inventory.locks import drugs_lock, lots_lock, reservations_lock, sellable_lots_lock
from inventory.models import (
    Allocation,
    Lot,
    LotStatus,
    MovementKind,
    Reservation,
    ReservationEvent,
    ReservationLine,
    ReservationStatus,
    Shipment,
)
from inventory.selectors import reference_holds, reservation_get, reservation_with_lines_held
from inventory.services.holds import (
    RESERVATION_TRANSITIONS,
    fefo_order,
    fefo_plan,
    new_lines_hold,
    reservation_free_all,
    reservation_transition,
    shelf_life_cutoff,
)
from inventory.services.ledger import stock_move
from inventory.services.serials import serials_ship

EXPIRY_ACTOR = "system:reservation_expiry"
MAX_LINES = 200


@dataclass(frozen=True)
class ReservationLineIn:
    drug: int
    quantity: int


def _hold_duration() -> timedelta:
    return timedelta(minutes=settings.RESERVATION_HOLD_MINUTES)


def _validate(lines: Sequence[ReservationLineIn], min_shelf_life_days: int) -> None:
    def bad(code: str, message: str, field: str = "lines") -> ValidationFailed:
        return ValidationFailed(message, code=code, extra={"errors": {field: [message]}})

    if not lines:
        raise bad("no_lines", "A reservation needs at least one line.")
    if len(lines) > MAX_LINES:
        raise bad("too_many_lines", f"At most {MAX_LINES} lines.")
    if any(line.quantity <= 0 for line in lines):
        raise bad("invalid_quantity", "Quantities must be positive.")
    if len({line.drug for line in lines}) != len(lines):
        raise bad("duplicate_line", "Each drug may appear on one line only.")
    if min_shelf_life_days < 0:
        raise bad("invalid", "Must be zero or more.", "min_shelf_life_days")


def _lock_reservation(reservation_id: int) -> Reservation:
    """Lock a reservation in the global order: its drugs first (lines never change)."""
    drug_ids = ReservationLine.objects.filter(reservation_id=reservation_id).values_list(
        "drug_id", flat=True
    )
    drugs_lock(drug_ids)
    locked = reservations_lock([reservation_id])
    if not locked:
        raise NotFound("No such reservation.", code="not_found")
    return locked[0]


def reservation_create(
    *,
    reference: str,
    lines: Sequence[ReservationLineIn],
    min_shelf_life_days: int,
    client: str,
    confirm: bool = False,
    now: datetime | None = None,
) -> Reservation:
    """Hold stock for every line, FEFO across the drug's sellable lots (available status,
    expiry no earlier than today + ``min_shelf_life_days``), or hold nothing: 409
    ``insufficient_stock`` listing each short line with what is available. With ``confirm``
    the hold is created confirmed (as ``reservation_confirm`` would leave it): it never lapses.

    Lapsed holds are the scheduled ``expire_reservations`` job's work; until it runs, their
    units still count as reserved (never as available), so no stock is sold twice. Only when
    they stand between the request and the stock are this request's drugs' lapsed holds
    expired here, and the stock looked for once more.
    """
    _validate(lines, min_shelf_life_days)
    now = now or timezone.now()
    hold = {
        "reference": reference,
        "lines": lines,
        "min_shelf_life_days": min_shelf_life_days,
        "client": client,
        "confirmed_at": now if confirm else None,
        "now": now,
    }
    try:
        return _hold_fefo(**hold)
    except Conflict as refusal:
        if refusal.code != "insufficient_stock":
            raise
        if not reservations_expire(drug_ids=[line.drug for line in lines], now=now):
            raise
    return _hold_fefo(**hold)


def _hold_fefo(
    *,
    reference: str,
    lines: Sequence[ReservationLineIn],
    min_shelf_life_days: int,
    client: str,
    confirmed_at: datetime | None,
    now: datetime,
) -> Reservation:
    drug_ids = sorted(line.drug for line in lines)
    # Every refusal below is raised before the first write, so inside the caller's
    # transaction (an idempotent request's) there is nothing a savepoint would undo, and
    # reservation_create may look for stock again after expiring lapsed holds.
    with transaction_joined():
        drugs = drugs_lock(drug_ids)
        unknown = [pk for pk in drug_ids if pk not in drugs]
        if unknown:
            message = f"Not in the catalog: drug {', '.join(map(str, unknown))}."
            raise ValidationFailed(
                message, code="unknown_drug", extra={"errors": {"lines": [message]}}
            )
        inactive = [pk for pk in drug_ids if not drugs[pk].active]
        if inactive:
            raise Conflict(
                f"No longer sold: drug {', '.join(map(str, inactive))}.", code="drug_inactive"
            )
        if reference_holds(reference=reference):
            raise Conflict(
                f"Reference {reference} already holds a reservation; release it first.",
                code="reservation_exists",
            )
        cutoff = shelf_life_cutoff(min_shelf_life_days, timezone.localdate(now))
        lots_by_drug: dict[int, list[Lot]] = {}
        for lot in sellable_lots_lock(drug_ids=drug_ids, expiring_on_or_after=cutoff):
            lots_by_drug.setdefault(lot.drug_id, []).append(lot)
        plans, short = {}, []
        for line in lines:
            candidates = fefo_order(lots_by_drug.get(line.drug, []))
            plans[line.drug] = fefo_plan(candidates, line.quantity)
            if plans[line.drug] is None:
                available = sum(lot.available for lot in candidates)
                short.append(
                    {"drug": line.drug, "requested": line.quantity, "available": available}
                )
        if short:
            raise Conflict(
                "Not enough sellable stock for every line; nothing was reserved.",
                code="insufficient_stock",
                extra={"lines": short},
            )
        reservation = Reservation(
            reference=reference,
            client=client,
            min_shelf_life_days=min_shelf_life_days,
            expires_at=now + _hold_duration(),
            confirmed_at=confirmed_at,
        )
        _reservation_insert(
            reservation, reason="reserved, order confirmed" if confirmed_at else "reserved"
        )
        made = insert_rows(
            [
                ReservationLine(reservation=reservation, drug_id=line.drug, quantity=line.quantity)
                for line in lines
            ]
        )
        held = new_lines_hold(
            reservation=reservation,
            plans={row: plans[row.drug_id] for row in made},
            actor=client,
        )
    return reservation_with_lines_held(reservation, held)


def _reservation_insert(reservation: Reservation, *, reason: str) -> None:
    """Store a new held ``reservation`` and the event that opens its history in one
    statement, written as SQL: the ORM would build and compile two INSERTs for every
    reservation."""
    reservation.created_at = reservation.updated_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH made AS (INSERT INTO {Reservation._meta.db_table} "  # noqa: S608 - table names from model meta
            "(reference, status, client, min_shelf_life_days, expires_at, confirmed_at, "
            "created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id) "
            f"INSERT INTO {ReservationEvent._meta.db_table} "
            "(reservation_id, from_status, to_status, actor, reason, created_at) "
            "SELECT id, '', %s, %s, %s, %s FROM made RETURNING reservation_id",
            [
                reservation.reference,
                reservation.status,
                reservation.client,
                reservation.min_shelf_life_days,
                reservation.expires_at,
                reservation.confirmed_at,
                reservation.created_at,
                reservation.updated_at,
                reservation.status,
                reservation.client,
                reason,
                reservation.created_at,
            ],
        )
        (reservation.pk,) = cursor.fetchone()
    reservation._state.adding = False
    reservation._state.db = connection.alias


def _lapses(reservation: Reservation, now: datetime) -> bool:
    """An unconfirmed hold whose time is up."""
    return (
        reservation.status == ReservationStatus.HELD
        and reservation.confirmed_at is None
        and reservation.expires_at <= now
    )


def reservation_confirm(*, reservation_id: int) -> Reservation:
    """The caller's order is confirmed: keep the hold until it ships or is released.
    Idempotent; a hold that already lapsed → 409 ``reservation_expired``."""
    reservation_expire_if_overdue(reservation_id=reservation_id)
    with transaction.atomic():
        reservation = _lock_reservation(reservation_id)
        if reservation.status == ReservationStatus.EXPIRED:
            raise Conflict(
                f"Reservation {reservation.pk} expired at {reservation.expires_at}.",
                code="reservation_expired",
            )
        if reservation.status != ReservationStatus.HELD:
            raise InvalidTransition(
                f"Reservation {reservation.pk} is {reservation.status}; it cannot be confirmed.",
                extra={
                    "from": reservation.status,
                    "to": ReservationStatus.HELD,
                    "allowed": sorted(RESERVATION_TRANSITIONS[reservation.status]),
                },
            )
        if reservation.confirmed_at is None:
            reservation.confirmed_at = timezone.now()
            reservation.save(update_fields=["confirmed_at", "updated_at"])
    return reservation


def reservation_expire_if_overdue(*, reservation_id: int, now: datetime | None = None) -> bool:
    """Expire one held reservation whose time is up (its stock comes back); True if it did."""
    now = now or timezone.now()
    with transaction.atomic():
        try:
            reservation = _lock_reservation(reservation_id)
        except NotFound:
            return False
        if not _lapses(reservation, now):
            return False
        reservation_free_all(
            reservation=reservation,
            to=ReservationStatus.EXPIRED,
            actor=EXPIRY_ACTOR,
            reason="hold time elapsed",
        )
    return True


def reservation_current(*, reservation_id: int) -> Reservation | None:
    """A reservation as it stands now (lines and allocations loaded): a hold whose time is
    up is expired on the way, so a reader never sees a lapsed hold as held."""
    reservation = reservation_get(reservation_id=reservation_id)
    if reservation is not None and _lapses(reservation, timezone.now()):
        reservation_expire_if_overdue(reservation_id=reservation_id)
        reservation = reservation_get(reservation_id=reservation_id)
    return reservation


def reservations_expire(*, now: datetime | None = None, drug_ids: Sequence[int] = ()) -> int:
    """Expire every overdue held reservation (of ``drug_ids`` if given); how many expired.
    One short transaction each, so a large backlog never blocks reservations for long."""
    now = now or timezone.now()
    overdue = Reservation.objects.filter(
        status=ReservationStatus.HELD, confirmed_at__isnull=True, expires_at__lte=now
    )
    if drug_ids:
        overdue = overdue.filter(lines__drug_id__in=drug_ids)
    ids = sorted(set(overdue.values_list("pk", flat=True)))
    return sum(reservation_expire_if_overdue(reservation_id=pk, now=now) for pk in ids)


def reservation_release(*, reservation_id: int, actor: str, reason: str = "") -> Reservation:
    """Give the stock back. Idempotent: releasing a released or expired reservation answers
    it as it is; a committed one → 409 ``invalid_transition``."""
    reservation_expire_if_overdue(reservation_id=reservation_id)
    with transaction.atomic():
        reservation = _lock_reservation(reservation_id)
        if reservation.status in (ReservationStatus.RELEASED, ReservationStatus.EXPIRED):
            return reservation
        reservation_free_all(
            reservation=reservation,
            to=ReservationStatus.RELEASED,
            actor=actor,
            reason=reason or "released by the holder",
        )
    return reservation


def reservation_commit(
    *, reservation_id: int, shipped_at: datetime, buyer_org: int | None, actor: str
) -> Reservation:
    """The reserved stock leaves: on-hand and reserved drop on every allocated lot, and a
    shipment row records lot, quantity, buyer and order reference. A repeat for the same
    buyer answers the committed reservation; a lapsed hold → 409 ``reservation_expired``."""
    reservation_expire_if_overdue(reservation_id=reservation_id)
    with transaction.atomic():
        reservation = _lock_reservation(reservation_id)
        if reservation.status == ReservationStatus.COMMITTED and reservation.buyer_org == buyer_org:
            return reservation
        if reservation.status == ReservationStatus.EXPIRED:
            raise Conflict(
                f"Reservation {reservation.pk} expired at {reservation.expires_at}.",
                code="reservation_expired",
            )
        reservation_transition(
            reservation=reservation,
            to=ReservationStatus.COMMITTED,
            actor=actor,
            reason=f"shipped to org {buyer_org}",
            changes={"buyer_org": buyer_org, "shipped_at": shipped_at},
        )
        allocations = list(
            Allocation.objects.filter(line__reservation=reservation)
            .select_related("line")
            .order_by("lot_id")
        )
        lots = lots_lock(Lot.objects.filter(pk__in=[a.lot_id for a in allocations]))
        today = timezone.localdate()
        unsellable = [
            lot.lot_number
            for lot in lots
            if lot.status != LotStatus.AVAILABLE or lot.expiry_date < today
        ]
        if unsellable:
            raise Conflict(
                f"Lots {', '.join(unsellable)} can no longer be sold; release and reserve again.",
                code="allocation_not_sellable",
            )
        for allocation in allocations:
            stock_move(
                lot_id=allocation.lot_id,
                kind=MovementKind.SHIPMENT,
                actor=actor,
                on_hand_delta=-allocation.quantity,
                reserved_delta=-allocation.quantity,
                reference=reservation.reference,
                reservation=reservation,
            )
        shipments = Shipment.objects.bulk_create(
            Shipment(
                reservation=reservation,
                lot_id=allocation.lot_id,
                drug_id=allocation.line.drug_id,
                quantity=allocation.quantity,
                buyer_org=buyer_org,
                order_ref=reservation.reference,
                shipped_at=shipped_at,
            )
            for allocation in allocations
        )
        serials_ship(shipments=shipments)
    return reservation
