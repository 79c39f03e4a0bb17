"""The expiring-lots report: lots with stock, still sellable or quarantined, that expire
within a horizon, soonest first (ties by lot), valued at the drug's list price.

Both statements are written as SQL, fixed but for their parameters: a page is read along
``inventory_lot_expiring_idx`` in the report's order and stops after its rows, the drug and
the warehouse joined by key for those rows alone; the count sums ``ExpiringLotTally``'s rows
for the window instead of counting the lots (~120k index entries for 90 days at 1M lots).
The owner's warehouses are named by id (``warehouse_ids_of``).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.utils import timezone

from inventory.selectors import warehouse_ids_of

# The rows come out as the answer's fields: money rounded half-up to cents, as the other
# money answers are, and null where the drug has no list price.
_PAGE = """
SELECT lot.id AS lot, lot.drug_id AS drug, drug.ndc, drug.name AS drug_name,
       lot.warehouse_id AS warehouse, warehouse.name AS warehouse_name, lot.lot_number,
       lot.expiry_date, lot.status, lot.on_hand AS quantity, lot.available,
       round(drug.list_price, 2) AS list_price,
       round(lot.on_hand * drug.list_price, 2) AS value, drug.currency
FROM inventory_lot AS lot
JOIN catalog_drug AS drug ON drug.id = lot.drug_id
JOIN catalog_warehouse AS warehouse ON warehouse.id = lot.warehouse_id
WHERE lot.status IN ('available', 'quarantined') AND lot.on_hand > 0
  AND lot.expiry_date BETWEEN %(first)s AND %(last)s {in_warehouses}
ORDER BY lot.expiry_date, lot.id
LIMIT %(limit)s OFFSET %(offset)s
"""
_COUNT = """
SELECT coalesce(sum(lots), 0) FROM inventory_expiringlottally
WHERE expiry_date BETWEEN %(first)s AND %(last)s {in_warehouses}
"""
_COMPACT = """
WITH merged AS (DELETE FROM inventory_expiringlottally RETURNING warehouse_id, expiry_date, lots)
INSERT INTO inventory_expiringlottally (warehouse_id, expiry_date, lots)
SELECT warehouse_id, expiry_date, sum(lots) FROM merged WHERE expiry_date >= %(today)s
GROUP BY warehouse_id, expiry_date HAVING sum(lots) <> 0
"""


@dataclass(frozen=True)
class ExpiringLots:
    """The report for one caller as a sequence a paginator pages through: ``count()`` and
    slices, each slice one statement. ``warehouses`` is None for every warehouse (admin)."""

    first: date
    last: date
    warehouses: list[int] | None

    def count(self) -> int:
        _, rows = self._fetch(_COUNT, "warehouse_id")
        return rows[0][0]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, rows: slice) -> list[dict]:
        offset = rows.start or 0
        page = {"limit": rows.stop - offset, "offset": offset}
        names, found = self._fetch(_PAGE, "lot.warehouse_id", **page)
        return [dict(zip(names, row, strict=True)) for row in found]

    def _fetch(self, template: str, column: str, **more) -> tuple[list[str], list[tuple]]:
        """The statement's column names and rows, limited to ``warehouses`` on ``column``."""
        mine = "" if self.warehouses is None else f"AND {column} = ANY(%(warehouses)s)"
        params = {"first": self.first, "last": self.last, "warehouses": self.warehouses}
        with connection.cursor() as cursor:
            cursor.execute(template.format(in_warehouses=mine), {**params, **more})
            return [c.name for c in cursor.description], cursor.fetchall()


def lots_expiring(*, owner_org: int | None, days: int) -> ExpiringLots:
    """The report of the lots in ``owner_org``'s warehouses (every warehouse for None) that
    expire from today to ``days`` days from now."""
    today = timezone.localdate()
    return ExpiringLots(
        first=today, last=today + timedelta(days=days), warehouses=warehouse_ids_of(owner_org)
    )


def expiring_tally_compact(*, today: date | None = None) -> int:
    """Merge each (warehouse, expiry date)'s tally rows into one, and drop the days before
    ``today`` (no report counts them again); the rows left. One statement: a report counting
    meanwhile sees the rows before or after, which add up to the same."""
    with connection.cursor() as cursor:
        cursor.execute(_COMPACT, {"today": today or timezone.localdate()})
        return cursor.rowcount
