"""The stock ledger: every change to a lot's counters is a ``Movement`` row, written in the
same transaction as the change. Receipts, adjustments (and write-offs), returns, and the
stock a reservation holds.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone

from catalog.models import Drug, Warehouse
from common.errors import Conflict, ValidationFailed
from common.saving import insert_rows
from inventory.locks import lots_lock
from inventory.models import (
    AdjustmentReason,
    Lot,
    LotStatus,
    Movement,
    MovementKind,
    Receipt,
    Reservation,
    SerialNumber,
)
from inventory.selectors import lot_get

# Stock can be received into a lot that is available or in quarantine, never into one that
# was recalled or has expired.
RECEIVABLE = {LotStatus.AVAILABLE, LotStatus.QUARANTINED}


@dataclass(frozen=True)
class ReceiptLineIn:
    drug: int
    lot_number: str
    expiry_date: date
    quantity: int
    serials: tuple[str, ...] = ()  # one per package, when the packages are serialized


def refused(code: str, message: str, field: str | None = None) -> ValidationFailed:
    """A 400 with ``code``, naming the offending field in ``errors`` when there is one."""
    extra = {"errors": {field: [message]}} if field else {}
    return ValidationFailed(message, code=code, extra=extra)


def stock_move(
    *,
    lot_id: int,
    kind: str,
    actor: str,
    on_hand_delta: int = 0,
    reserved_delta: int = 0,
    guard: Q | None = None,
    reason: str = "",
    note: str = "",
    reference: str = "",
    reservation: Reservation | None = None,
) -> Movement | None:
    """Change a lot's counters with one conditional ``UPDATE`` (never read-modify-write) and
    write the ledger row. ``None``, and nothing written, when the lot does not match
    ``guard``. Call inside a transaction."""
    changes = {"updated_at": timezone.now()}
    if on_hand_delta:
        changes["on_hand"] = F("on_hand") + on_hand_delta
    if reserved_delta:
        changes["reserved"] = F("reserved") + reserved_delta
    lots = Lot.objects.filter(pk=lot_id)
    if guard is not None:
        lots = lots.filter(guard)
    if not lots.update(**changes):
        return None
    return Movement.objects.create(
        lot_id=lot_id,
        kind=kind,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        reason=reason,
        note=note,
        actor=actor,
        reference=reference,
        reservation=reservation,
    )


def stock_reserve(
    *, reservation: Reservation, quantities: Sequence[tuple[Lot, int]], actor: str
) -> None:
    """Reserve ``quantity`` of each lot for ``reservation``: one conditional ``UPDATE`` per
    lot, then every ledger row in one ``INSERT``. The caller made its plan under the lots'
    locks, so a lot that no longer has the quantity is a bug, not a race: 409, and the
    caller's transaction must roll back."""
    for lot, quantity in quantities:
        if not _lot_reserve(lot.pk, quantity):
            raise Conflict(f"Lot {lot.lot_number} no longer has {quantity} available.")
    insert_rows(
        [
            Movement(
                lot_id=lot.pk,
                kind=MovementKind.RESERVATION,
                reserved_delta=quantity,
                actor=actor,
                reference=reservation.reference,
                reservation=reservation,
            )
            for lot, quantity in quantities
        ]
    )


def _lot_reserve(lot_id: int, quantity: int) -> bool:
    """``reserved`` of the lot grows by ``quantity`` if that many are available; whether it
    did. Written as SQL: the ORM would build and compile the same UPDATE for every lot a
    reservation holds, a third of its CPU."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Lot._meta.db_table} SET reserved = reserved + %s, updated_at = %s "  # noqa: S608 - table name from model meta
            "WHERE id = %s AND available >= %s",
            [quantity, timezone.now(), lot_id, quantity],
        )
        return cursor.rowcount == 1


def _validate_receipt_lines(lines: Sequence[ReceiptLineIn], today: date) -> None:
    if not lines:
        raise refused("no_lines", "A receipt needs at least one line.", "lines")
    seen = set()
    for line in lines:
        if line.quantity <= 0:
            raise refused("invalid_quantity", "Quantities must be positive.", "lines")
        if line.expiry_date < today:
            raise refused(
                "expiry_in_past",
                f"Lot {line.lot_number} expired on {line.expiry_date}; it cannot be received.",
                "lines",
            )
        if not line.lot_number.strip():
            raise refused("invalid_lot_number", "Every line needs a lot number.", "lines")
        if (line.drug, line.lot_number) in seen:
            raise refused(
                "duplicate_line", f"Lot {line.lot_number} appears twice; use one line.", "lines"
            )
        seen.add((line.drug, line.lot_number))
        if line.serials and len(line.serials) != line.quantity:
            raise refused(
                "serial_quantity_mismatch",
                f"Lot {line.lot_number}: {len(line.serials)} serials for {line.quantity} packages.",
                "lines",
            )
    serials = [(line.drug, serial) for line in lines for serial in line.serials]
    if len(set(serials)) != len(serials):
        raise refused("duplicate_serial", "A serial appears twice in the receipt.", "lines")


def _serials_record(received: list, receipt: Receipt) -> None:
    """The serialized packages of a receipt; a GTIN's serial is on file once, ever (409)."""
    rows = [
        SerialNumber(drug_id=line.drug, lot=lot, serial=serial, receipt=receipt)
        for lot, line in received
        for serial in line.serials
    ]
    if not rows:
        return
    try:
        with transaction.atomic():
            SerialNumber.objects.bulk_create(rows)
    except IntegrityError:
        on_file = SerialNumber.objects.filter(
            drug_id__in={row.drug_id for row in rows}, serial__in={row.serial for row in rows}
        ).values_list("serial", flat=True)
        raise Conflict(
            f"Serials already on file: {', '.join(sorted(on_file)[:20])}.",
            code="duplicate_serial",
            extra={"serials": sorted(on_file)},
        ) from None


def receipt_create(
    *,
    warehouse_id: int,
    lines: Sequence[ReceiptLineIn],
    actor: str,
    owner_org: int | None,
    as_of: date | None = None,
) -> Receipt:
    """Goods received: creates or extends lots and writes one receipt movement per line.

    ``owner_org`` limits which warehouses may receive (``None``: any). ``as_of`` is the day
    the goods arrived, for back-dated entries; an expiry before it is refused. All lines or
    none: any bad line refuses the whole receipt.
    """
    today = as_of or timezone.localdate()
    _validate_receipt_lines(lines, today)
    with transaction.atomic():
        warehouses = Warehouse.objects.filter(pk=warehouse_id, active=True)
        if owner_org is not None:
            warehouses = warehouses.filter(owner_org=owner_org)
        warehouse = warehouses.first()
        if warehouse is None:
            raise refused("unknown_warehouse", "No such warehouse of yours.", "warehouse")
        drug_ids = {line.drug for line in lines}
        known = set(Drug.objects.filter(pk__in=drug_ids).values_list("pk", flat=True))
        if drug_ids - known:
            missing = ", ".join(str(pk) for pk in sorted(drug_ids - known))
            raise refused("unknown_drug", f"Not in the catalog: drug {missing}.", "lines")
        # Make sure every lot exists (racing receipts of a new lot create it once), then lock.
        Lot.objects.bulk_create(
            [
                Lot(
                    warehouse=warehouse,
                    drug_id=line.drug,
                    lot_number=line.lot_number,
                    expiry_date=line.expiry_date,
                )
                for line in lines
            ],
            ignore_conflicts=True,
        )
        lots = lots_lock(
            Lot.objects.filter(
                warehouse=warehouse,
                drug_id__in=drug_ids,
                lot_number__in={line.lot_number for line in lines},
            )
        )
        by_key = {(lot.drug_id, lot.lot_number): lot for lot in lots}
        received = [(by_key[(line.drug, line.lot_number)], line) for line in lines]
        for lot, line in received:
            if lot.expiry_date != line.expiry_date:
                raise refused(
                    "lot_expiry_mismatch",
                    f"Lot {lot.lot_number} is on file with expiry {lot.expiry_date}.",
                    "lines",
                )
            if lot.status not in RECEIVABLE:
                raise Conflict(
                    f"Lot {lot.lot_number} is {lot.status}; it cannot receive stock.",
                    code="lot_not_receivable",
                )
        receipt = Receipt.objects.create(warehouse=warehouse, actor=actor)
        # One UPDATE for all lines: a receipt of a thousand lines is still two statements.
        Lot.objects.filter(pk__in=[lot.pk for lot, _ in received]).update(
            on_hand=F("on_hand")
            + Case(
                *(When(pk=lot.pk, then=Value(line.quantity)) for lot, line in received),
                output_field=IntegerField(),
            ),
            updated_at=timezone.now(),
        )
        Movement.objects.bulk_create(
            Movement(
                lot=lot,
                kind=MovementKind.RECEIPT,
                on_hand_delta=line.quantity,
                actor=actor,
                receipt=receipt,
            )
            for lot, line in received
        )
        _serials_record(received, receipt)
    return receipt


def _owned_lot(lot_id: int, owner_org: int | None) -> Lot:
    lot = lot_get(lot_id=lot_id, owner_org=owner_org)
    if lot is None:
        raise refused("unknown_lot", "No such lot in your warehouses.", "lot")
    return lot


def adjustment_create(
    *,
    lot_id: int,
    quantity_delta: int,
    reason: str,
    note: str,
    actor: str,
    owner_org: int | None,
) -> Movement:
    """Correct a lot's on-hand (damage, theft, count, write-off of expired stock, other).

    It may not take on-hand below what is reserved (409 ``below_reserved``): release or
    re-allocate reservations first.
    """
    if quantity_delta == 0:
        raise refused("invalid_quantity", "An adjustment changes stock.", "quantity_delta")
    if reason not in AdjustmentReason.values:
        raise refused("invalid_reason", "Unknown adjustment reason.", "reason")
    if reason == AdjustmentReason.EXPIRED_WRITEOFF and quantity_delta > 0:
        raise refused("invalid_quantity", "A write-off removes stock.", "quantity_delta")
    if reason == AdjustmentReason.OTHER and not note.strip():
        raise refused("note_required", "Say why, in the note, for reason 'other'.", "note")
    kind = (
        MovementKind.WRITE_OFF
        if reason == AdjustmentReason.EXPIRED_WRITEOFF
        else MovementKind.ADJUSTMENT
    )
    with transaction.atomic():
        lot = _owned_lot(lot_id, owner_org)
        movement = stock_move(
            lot_id=lot.pk,
            kind=kind,
            actor=actor,
            on_hand_delta=quantity_delta,
            # on_hand + delta >= reserved, checked by the UPDATE itself
            guard=Q(on_hand__gte=F("reserved") - quantity_delta),
            reason=reason,
            note=note,
        )
        if movement is None:
            lot.refresh_from_db(fields=["on_hand", "reserved"])
            raise Conflict(
                f"On hand {lot.on_hand}, reserved {lot.reserved}: a change of "
                f"{quantity_delta} would leave less on hand than is reserved.",
                code="below_reserved",
            )
    return movement


def stock_return(
    *, lot_id: int, quantity: int, order_ref: str, note: str, actor: str, owner_org: int | None
) -> Movement:
    """Units that came back from a buyer (also from a recalled lot) go back on hand."""
    if quantity <= 0:
        raise refused("invalid_quantity", "A return brings back at least one unit.", "quantity")
    with transaction.atomic():
        lot = _owned_lot(lot_id, owner_org)
        return stock_move(
            lot_id=lot.pk,
            kind=MovementKind.RETURN,
            actor=actor,
            on_hand_delta=quantity,
            note=note,
            reference=order_ref,
        )
