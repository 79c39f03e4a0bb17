"""Writes of chargebacks: recording shipped lines, and moving claims through their states."""

from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from chargebacks.metrics import chargebacks_opened_total
from chargebacks.models import Chargeback, ChargebackEvent, ShippedLine
from common.errors import Conflict, ValidationFailed
from common.transitions import transition_apply
from contracts.models import ContractItem
from contracts.selectors import contract_prices_on
from prices.money import round_total
from prices.selectors import list_prices_on

Status = Chargeback.Status
TRANSITIONS: dict[str, set[str]] = {
    Status.OPEN: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.PAID, Status.REJECTED},
    Status.PAID: set(),
    Status.REJECTED: set(),
}


@dataclass(frozen=True)
class ShipmentIn:
    order_ref: str
    buyer_org: int
    drug: int
    quantity: int
    unit_price: Decimal
    currency: str
    shipped_at: datetime
    contract_id: int | None = None


def _same_report(line: ShippedLine, shipment: ShipmentIn) -> bool:
    return all(getattr(line, name) == value for name, value in asdict(shipment).items())


def _contract_item(shipment: ShipmentIn) -> ContractItem | None:
    """The contract price the line was sold under: the one named, else the one in force."""
    if shipment.contract_id is None:
        shipped_on = timezone.localdate(shipment.shipped_at)
        found = contract_prices_on(
            buyer_org=shipment.buyer_org, drugs=[shipment.drug], on=shipped_on
        )
        return found.get(shipment.drug)
    item = (
        ContractItem.objects.select_related("contract")
        .filter(
            contract_id=shipment.contract_id,
            contract__buyer_org=shipment.buyer_org,
            drug=shipment.drug,
        )
        .first()
    )
    if item is None:
        raise ValidationFailed(
            f"Contract {shipment.contract_id} does not price drug {shipment.drug} "
            f"for organization {shipment.buyer_org}.",
            code="unknown_contract",
            extra={"errors": {"contract_id": ["No such contract for this buyer and drug."]}},
        )
    return item


def _chargeback_for(shipment: ShipmentIn, line: ShippedLine) -> Chargeback | None:
    """The claim a line gives rise to: sold under a contract below the list price in force
    on the day it shipped, in the same currency; otherwise none."""
    deal = _contract_item(shipment)
    if deal is None:
        return None
    shipped_on = timezone.localdate(shipment.shipped_at)
    listed = list_prices_on(drugs=[shipment.drug], on=shipped_on).get(shipment.drug)
    if listed is None or listed.price_list.currency != deal.contract.currency:
        return None
    if deal.unit_price >= listed.unit_price:
        return None
    amount = round_total((listed.unit_price - deal.unit_price) * shipment.quantity)
    if amount <= 0:
        return None  # a difference below half a cent over the whole line
    return Chargeback(
        shipped_line=line,
        order_ref=shipment.order_ref,
        buyer_org=shipment.buyer_org,
        drug=shipment.drug,
        drug_name=deal.drug_name or listed.drug_name,
        manufacturer=deal.manufacturer or listed.manufacturer,
        contract=deal.contract,
        quantity=shipment.quantity,
        list_price=listed.unit_price,
        contract_price=deal.unit_price,
        amount=amount,
        currency=deal.contract.currency,
        shipped_at=shipment.shipped_at,
    )


def _already_recorded(shipment: ShipmentIn) -> ShippedLine | None:
    line = ShippedLine.objects.filter(order_ref=shipment.order_ref, drug=shipment.drug).first()
    if line is not None and not _same_report(line, shipment):
        raise Conflict(
            f"Order {shipment.order_ref} drug {shipment.drug} was reported with other details.",
            code="shipment_conflict",
        )
    return line


def shipment_record(*, shipment: ShipmentIn, by: str) -> tuple[ShippedLine, bool]:
    """Record a shipped line and the chargeback it gives rise to; ``(line, created)``.

    Idempotent on (order_ref, drug): the same report again returns the first record and
    counts nothing twice; a different report for the same pair is ``shipment_conflict``.
    """
    line = _already_recorded(shipment)
    if line is not None:
        return line, False
    try:
        with transaction.atomic():
            line = ShippedLine.objects.create(**asdict(shipment), recorded_by=by)
            chargeback = _chargeback_for(shipment, line)
            if chargeback is not None:
                chargeback.save()
                ChargebackEvent.objects.create(
                    chargeback=chargeback, to_status=Status.OPEN, by=by, reason="shipped"
                )
                transaction.on_commit(chargebacks_opened_total.inc)
    except IntegrityError:
        # The same report arrived twice at once and the other one was stored first.
        line = _already_recorded(shipment)
        if line is None:
            raise
        return line, False
    return line, True


@transaction.atomic
def chargeback_transition(
    *, chargeback: Chargeback, to: str, by: str, reason: str = ""
) -> Chargeback:
    """Move a chargeback to ``to`` if ``TRANSITIONS`` allows it (else 409
    ``invalid_transition``), then write the event row. The row is locked and its status read
    again under the lock, so of two moves at once the second sees the first's result."""
    transition_apply(
        chargeback,
        to,
        table=TRANSITIONS,
        subject="The chargeback",
        record=lambda from_status, to_status: ChargebackEvent.objects.create(
            chargeback=chargeback,
            from_status=from_status,
            to_status=to_status,
            by=by,
            reason=reason,
        ),
    )
    return chargeback
