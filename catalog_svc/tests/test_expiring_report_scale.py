"""The expiring-lots report at scale: every page lists the lots the rule picks, in the
report's order, with their value; Postgres reads a page along ``inventory_lot_expiring_idx``
(in order, no sort of the window) and counts from the tally, never the lots, for the admin
and for a distributor, as the queries are sent."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inventory.models import Lot, LotStatus
from tests.conftest import RIVAL_DISTRIBUTOR
from tests.factories import DrugFactory, WarehouseFactory
from tests.plans import plan_of

EXPIRING = "/api/catalog/reports/expiring/"
INDEX = "inventory_lot_expiring_idx"
# Enough lots that reading the whole window would cost more than the index: the planner
# only prefers it once the table is large.
SCALE_LOTS = 60_000


def _cent(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _expected(*, warehouses: set[int] | None, days: int) -> list[tuple]:
    """The report worked out in Python from every lot: the rule, the order, the value."""
    today = timezone.localdate()
    rows = []
    for lot in Lot.objects.select_related("drug"):
        if warehouses is not None and lot.warehouse_id not in warehouses:
            continue
        if lot.status not in (LotStatus.AVAILABLE, LotStatus.QUARANTINED) or lot.on_hand == 0:
            continue
        if not today <= lot.expiry_date <= today + timedelta(days=days):
            continue
        price = lot.drug.list_price
        value = None if price is None else _cent(lot.on_hand * price)
        rows.append((lot.expiry_date.isoformat(), lot.pk, lot.on_hand, lot.status, value))
    return sorted(rows)


def _every_page(client, days: int) -> tuple[int, list[tuple]]:
    rows, page, count = [], 1, None
    while True:
        body = client.get(EXPIRING, {"days": days, "page": page, "page_size": 7}).json()
        count = body["count"]
        rows += [
            (r["expiry_date"], r["lot"], r["quantity"], r["status"], r["value"])
            for r in body["results"]
        ]
        if body["next"] is None:
            return count, rows
        page += 1


@pytest.mark.django_db
def test_every_page_lists_the_lots_the_rule_picks_in_order(distributor, admin_api):
    ours = [WarehouseFactory(), WarehouseFactory()]
    theirs = WarehouseFactory(owner_org=RIVAL_DISTRIBUTOR)
    drugs = [DrugFactory(list_price=Decimal("3.3333")), DrugFactory(list_price=None)]
    today = timezone.localdate()
    statuses = [LotStatus.AVAILABLE, LotStatus.QUARANTINED, LotStatus.RECALLED, LotStatus.EXPIRED]
    Lot.objects.bulk_create(
        Lot(
            drug=drugs[i % 2],
            warehouse=[*ours, theirs][i % 3],
            lot_number=f"R{i}",
            # several lots a day (ties broken by id), a day either side of the window
            expiry_date=today + timedelta(days=i % 33 - 1),
            status=statuses[i % 7 % 4],
            on_hand=i % 5 * 7,
            reserved=i % 5,
        )
        for i in range(150)
    )
    for client, warehouses in [(admin_api, None), (distributor, {w.pk for w in ours})]:
        expected = _expected(warehouses=warehouses, days=30)
        assert len(expected) > 20
        assert _every_page(client, days=30) == (len(expected), expected)


def _load_lots(warehouses: list, drugs: list) -> None:
    """``SCALE_LOTS`` lots in one statement: expiries spread over two years (a month of them
    past), one in fifty quarantined, one in forty recalled, some with nothing on hand."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO inventory_lot (drug_id, warehouse_id, lot_number, expiry_date, status,
                                       on_hand, reserved, created_at, updated_at)
            SELECT (%(drugs)s::bigint[])[1 + i %% cardinality(%(drugs)s::bigint[])],
                   (%(warehouses)s::bigint[])[1 + i %% cardinality(%(warehouses)s::bigint[])],
                   'S' || i, %(today)s::date + (i * 7919 %% 760 - 30),
                   CASE WHEN i * 7919 %% 760 < 30 THEN 'expired'
                        WHEN i %% 50 = 0 THEN 'quarantined'
                        WHEN i %% 40 = 0 THEN 'recalled'
                        ELSE 'available' END,
                   i %% 400, 0, now(), now()
            FROM generate_series(1, %(lots)s) AS i
            """,
            {
                "drugs": [d.pk for d in drugs],
                "warehouses": [w.pk for w in warehouses],
                "today": timezone.localdate(),
                "lots": SCALE_LOTS,
            },
        )
        # as a table in use is: statistics and the visibility map up to date
        cursor.execute("VACUUM ANALYZE inventory_lot")


def _plans(client) -> tuple[int, str, str]:
    """The report's count and page statements as the API sends them, through EXPLAIN."""
    with CaptureQueriesContext(connection) as queries:
        body = client.get(EXPIRING, {"days": 90}).json()
    sent = [q["sql"] for q in queries]
    count_sql = next(sql for sql in sent if "inventory_expiringlottally" in sql)
    page_sql = next(sql for sql in sent if "LIMIT" in sql)
    return body["count"], plan_of(count_sql), plan_of(page_sql)


@pytest.mark.django_db(transaction=True)
def test_the_report_reads_its_index_at_scale(distributor, admin_api):
    ours = [WarehouseFactory(), WarehouseFactory()]
    theirs = WarehouseFactory(owner_org=RIVAL_DISTRIBUTOR)
    _load_lots([*ours, theirs], DrugFactory.create_batch(40))
    today = timezone.localdate()
    window = Lot.objects.filter(
        status__in=[LotStatus.AVAILABLE, LotStatus.QUARANTINED],
        on_hand__gt=0,
        expiry_date__range=(today, today + timedelta(days=90)),
    )
    for client, lots in [(admin_api, window), (distributor, window.exclude(warehouse=theirs))]:
        count, count_plan, page_plan = _plans(client)
        assert count == lots.count() > 3000
        assert "inventory_lot" not in count_plan.replace("inventory_lottally", ""), count_plan
        # read in the report's order and stopped after the page: no sort of the window
        assert f"Index Scan using {INDEX}" in page_plan, page_plan
        assert "Sort" not in page_plan, page_plan
