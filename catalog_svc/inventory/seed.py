"""Demo stock for ``manage.py seed``: lots of every demo drug in both of Acme's warehouses,
received through the ledger, with varied expiry dates (some already expired, some within
90 days), a few drugs under their reorder point and a couple of lots in quarantine.

Lot numbers are fixed per drug and warehouse, so a second run receives nothing new.
"""

import random
from datetime import date, timedelta

from django.utils import timezone

from catalog.models import Warehouse
from catalog.seed import MAIN_DC, NORTH_DC
from common.demo import ACME_DISTRIBUTION
from common.demo.catalog import DemoDrug, drugs
from inventory.models import Lot, LotStatus
from inventory.services import ReceiptLineIn, lot_transition, lots_expire, receipt_create

SEED_ACTOR = "system:seed"
LOT_PREFIX = {MAIN_DC: "M", NORTH_DC: "N"}
# Back-dated receipts, so that lots which have expired since can be on file too.
RECEIVED_DAYS_AGO = 365
QUARANTINED = {(MAIN_DC, 12), (NORTH_DC, 57)}  # (warehouse, drug id): first lot held back


def _lots_for(drug: DemoDrug, warehouse: str, today: date) -> list[ReceiptLineIn]:
    rng = random.Random(f"{warehouse}:{drug.id}")  # noqa: S311 - demo data, not secrets
    count = rng.randint(2, 3) if warehouse == MAIN_DC else rng.randint(1, 2)
    low_stock = drug.id % 17 == 0
    lines = []
    for index in range(count):
        if index == 0 and drug.id % 10 == 0:
            expiry = today - timedelta(days=rng.randint(5, 60))
        elif index == 0 and drug.id % 5 == 1:
            expiry = today + timedelta(days=rng.randint(10, 85))
        else:
            expiry = today + timedelta(days=rng.randint(150, 900))
        quantity = rng.randint(1, 3) if low_stock else rng.randint(20, 400)
        if drug.cold_chain and not low_stock:
            quantity //= 4
        lot_number = f"{LOT_PREFIX[warehouse]}{drug.id:04d}{chr(ord('A') + index)}"
        lines.append(ReceiptLineIn(drug.id, lot_number, expiry, max(quantity, 1)))
    return lines


def seed_stock() -> None:
    today = timezone.localdate()
    warehouses = Warehouse.objects.filter(owner_org=ACME_DISTRIBUTION, name__in=LOT_PREFIX)
    for warehouse in warehouses:
        on_file = set(Lot.objects.filter(warehouse=warehouse).values_list("lot_number", flat=True))
        lines = [
            line
            for drug in drugs()
            for line in _lots_for(drug, warehouse.name, today)
            if line.lot_number not in on_file
        ]
        if not lines:
            continue
        receipt_create(
            warehouse_id=warehouse.pk,
            lines=lines,
            actor=SEED_ACTOR,
            owner_org=None,
            as_of=today - timedelta(days=RECEIVED_DAYS_AGO),
        )
        new = {line.lot_number for line in lines}
        held_back = [
            f"{LOT_PREFIX[name]}{drug_id:04d}A"
            for name, drug_id in QUARANTINED
            if name == warehouse.name
        ]
        for lot in Lot.objects.filter(
            warehouse=warehouse, lot_number__in=new.intersection(held_back)
        ):
            if lot.status == LotStatus.AVAILABLE:
                lot_transition(
                    lot_id=lot.pk,
                    to=LotStatus.QUARANTINED,
                    actor=SEED_ACTOR,
                    reason="temperature excursion reported on arrival (demo)",
                )
    lots_expire(today=today)
