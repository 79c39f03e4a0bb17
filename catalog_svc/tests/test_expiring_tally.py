"""The expiring report's tally adds up to the lots the report lists, however the lots change
(the services, the ledger, the expiry job, plain SQL), and compacting it changes no sum."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from inventory.expiring import expiring_tally_compact
from inventory.models import ExpiringLotTally, Lot, LotStatus
from inventory.services.ledger import adjustment_create
from inventory.services.lots import lot_transition, lots_expire
from inventory.services.reservations import ReservationLineIn, reservation_create
from tests.factories import WarehouseFactory, stocked_lot

COUNTED = (LotStatus.AVAILABLE, LotStatus.QUARANTINED)


def tally() -> Counter:
    sums = Counter()
    for row in ExpiringLotTally.objects.all():
        sums[(row.warehouse_id, row.expiry_date)] += row.lots
    return +sums  # keys that add up to nothing are gone


def counted() -> Counter:
    """What the tally must say, counted from the lots themselves."""
    lots = Lot.objects.filter(status__in=COUNTED, on_hand__gt=0)
    return Counter(lots.values_list("warehouse_id", "expiry_date"))


@pytest.mark.django_db
def test_the_tally_follows_every_change_of_the_lots(warehouse, drug):
    other = WarehouseFactory()
    lots = [stocked_lot(drug=drug, warehouse=warehouse, expiry_days=d) for d in (5, 5, 40, 90)]
    far = stocked_lot(drug=drug, warehouse=other, quantity=3, expiry_days=200)
    assert tally() == counted() and len(counted()) == 4

    rows_before = ExpiringLotTally.objects.count()
    reservation_create(
        reference="R1",
        lines=[ReservationLineIn(drug.pk, 30)],
        min_shelf_life_days=0,
        client="test",
        confirm=True,
    )
    assert ExpiringLotTally.objects.count() == rows_before  # holding stock moves no lot

    adjustment_create(
        lot_id=far.pk, quantity_delta=-3, reason="damage", note="", actor="t", owner_org=None
    )  # emptied: out
    lot_transition(lot_id=lots[2].pk, to=LotStatus.QUARANTINED, actor="t", reason="check")
    lot_transition(lot_id=lots[3].pk, to=LotStatus.RECALLED, actor="t", reason="recall")
    assert tally() == counted()

    Lot.objects.filter(pk=lots[1].pk).update(expiry_date=timezone.localdate() - timedelta(days=1))
    lots_expire()  # the back-dated lot leaves as expired
    Lot.objects.filter(pk=lots[0].pk).update(warehouse=other)
    with connection.cursor() as cursor:  # a bulk load and a bulk delete, one statement each
        cursor.execute(
            "INSERT INTO inventory_lot (drug_id, warehouse_id, lot_number, expiry_date, status,"
            " on_hand, reserved, created_at, updated_at) SELECT %s, %s, 'B' || i,"
            " current_date + i %% 7, 'available', i %% 3, 0, now(), now()"
            " FROM generate_series(1, 60) AS i",
            [drug.pk, warehouse.pk],
        )
        cursor.execute("DELETE FROM inventory_lot WHERE lot_number LIKE 'B1%%'")
    assert tally() == counted()


@pytest.mark.django_db
def test_compacting_merges_each_key_and_forgets_the_past(warehouse, drug):
    for days in (3, 3, 3, 12):
        stocked_lot(drug=drug, warehouse=warehouse, expiry_days=days)
    gone = stocked_lot(drug=drug, warehouse=warehouse, expiry_days=20)
    adjustment_create(
        lot_id=gone.pk, quantity_delta=-100, reason="damage", note="", actor="t", owner_org=None
    )
    before = tally()
    assert ExpiringLotTally.objects.count() == 6  # four lots in, one in and out
    assert expiring_tally_compact() == 2
    assert tally() == before == counted()
    assert ExpiringLotTally.objects.count() == 2
    later = timezone.localdate() + timedelta(days=5)
    expiring_tally_compact(today=later)  # the three lots of day 3 are past by then
    assert [(row.expiry_date, row.lots) for row in ExpiringLotTally.objects.all()] == [
        (timezone.localdate() + timedelta(days=12), 1)
    ]
