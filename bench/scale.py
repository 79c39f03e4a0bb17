"""Benchmark-scale catalog data, loaded straight into the platform's catalog database and
removed afterwards, so the demo data is left as it was.

Every row belongs to a drug whose manufacturer is ``BENCH_MAKER``: removing those drugs,
their lots, the lots' ledger rows and the bench receipts removes everything loaded here.

- Drugs copy the name, generic name, strength and form of the demo drugs in turn (a large
  catalog holds many products of one molecule), so they add no word to the search
  vocabulary. Their NDCs use the labeler code 99999 (5-4-2 layout), their GTIN-14 is
  ``00`` + the 11-digit NDC + the GS1 check digit.
- Lots belong to the bench drugs, in the warehouses of the demo distributor, with expiry
  dates spread from 30 days ago to two years ahead (past ones expired), one in fifty
  quarantined, and one receipt row in the ledger each (on hand = what was received).
"""

import psycopg2

BENCH_MAKER = "PharmaConnect bench scale data"
BENCH_LABELER = "99999"
RECEIPT_ACTOR = "bench:scale"
# Expiry offsets in days cycle over [-EXPIRED_DAYS, SPREAD_DAYS - EXPIRED_DAYS).
EXPIRED_DAYS = 30
SPREAD_DAYS = 760

_DRUGS_SQL = """
WITH template AS (
    SELECT row_number() OVER (ORDER BY id) - 1 AS k, name, generic_name, strength,
           dosage_form, pack_size, unit, list_price, currency
    FROM catalog_drug WHERE manufacturer <> %(maker)s
), templates AS (SELECT count(*) AS n FROM template)
INSERT INTO catalog_drug (
    ndc, ndc11, gtin, name, generic_name, strength, dosage_form, manufacturer, schedule,
    rx_only, cold_chain, pack_size, unit, reorder_point, list_price, currency, active,
    created_at, updated_at
)
SELECT %(labeler)s || '-' || code.product || '-' || code.package,
       code.ndc11,
       '00' || code.ndc11 || check_digit.digit,
       t.name, t.generic_name, t.strength, t.dosage_form, %(maker)s, '',
       true, false, t.pack_size, t.unit, 0, t.list_price, t.currency, true, now(), now()
FROM generate_series(%(start)s, %(stop)s - 1) AS g(i)
CROSS JOIN templates
JOIN template AS t ON t.k = g.i %% templates.n
CROSS JOIN LATERAL (
    SELECT lpad((g.i / 100)::text, 4, '0') AS product, lpad((g.i %% 100)::text, 2, '0') AS package
) AS parts
CROSS JOIN LATERAL (
    SELECT parts.product, parts.package, %(labeler)s || parts.product || parts.package AS ndc11
) AS code
CROSS JOIN LATERAL (
    -- GS1 mod 10 over the 13-digit body, weights 3, 1, 3, ... from the right
    SELECT ((10 - sum(substr('00' || code.ndc11, 14 - w, 1)::int
                      * CASE WHEN w %% 2 = 1 THEN 3 ELSE 1 END) %% 10) %% 10)::text AS digit
    FROM generate_series(1, 13) AS w
) AS check_digit
"""

_LOTS_SQL = """
WITH drug AS (
    SELECT row_number() OVER (ORDER BY id) - 1 AS k, id
    FROM catalog_drug WHERE manufacturer = %(maker)s
), drugs AS (SELECT count(*) AS n FROM drug),
warehouse AS (
    SELECT row_number() OVER (ORDER BY id) - 1 AS k, id
    FROM catalog_warehouse WHERE owner_org = %(org)s AND active
), warehouses AS (SELECT count(*) AS n FROM warehouse),
new_lot AS (
    INSERT INTO inventory_lot (
        drug_id, warehouse_id, lot_number, expiry_date, status, on_hand, reserved,
        created_at, updated_at
    )
    SELECT drug.id, warehouse.id, 'BX' || lpad(g.i::text, 7, '0'),
           current_date + offset_days.d,
           CASE WHEN offset_days.d < 0 THEN 'expired'
                WHEN g.i %% 50 = 0 THEN 'quarantined'
                ELSE 'available' END,
           10 + g.i %% 490, 0, now(), now()
    FROM generate_series(%(start)s, %(stop)s - 1) AS g(i)
    CROSS JOIN drugs CROSS JOIN warehouses
    JOIN drug ON drug.k = g.i %% drugs.n
    JOIN warehouse ON warehouse.k = (g.i / drugs.n) %% warehouses.n
    CROSS JOIN LATERAL (
        SELECT ((g.i::bigint * 7919) %% %(spread)s)::int - %(expired)s AS d
    ) AS offset_days
    RETURNING id, warehouse_id, on_hand
)
INSERT INTO inventory_movement (
    lot_id, kind, on_hand_delta, reserved_delta, reason, note, actor, reference, receipt_id,
    created_at
)
SELECT new_lot.id, 'receipt', new_lot.on_hand, 0, '', '', %(actor)s, '', receipt.id, now()
FROM new_lot JOIN inventory_receipt AS receipt
  ON receipt.warehouse_id = new_lot.warehouse_id AND receipt.actor = %(actor)s
"""

_REMOVE_SQL = [
    """DELETE FROM inventory_movement WHERE lot_id IN (
        SELECT lot.id FROM inventory_lot AS lot JOIN catalog_drug AS drug ON drug.id = lot.drug_id
        WHERE drug.manufacturer = %(maker)s)""",
    """DELETE FROM inventory_lot WHERE drug_id IN (
        SELECT id FROM catalog_drug WHERE manufacturer = %(maker)s)""",
    "DELETE FROM inventory_receipt WHERE actor = %(actor)s",
    "DELETE FROM catalog_drug WHERE manufacturer = %(maker)s",
]

_TABLES = (
    "catalog_drug",
    "catalog_drugword",
    "catalog_warehouse",
    "inventory_expiringlottally",
    "inventory_lot",
    "inventory_movement",
    "inventory_receipt",
)


class ScaleData:
    """Tops the catalog up to a number of drugs or lots; ``remove`` takes it all back."""

    def __init__(self, catalog_url: str, distributor_org: int):
        self.conn = psycopg2.connect(catalog_url, connect_timeout=5)
        self.org = distributor_org
        self.params = {"maker": BENCH_MAKER, "labeler": BENCH_LABELER, "actor": RECEIPT_ACTOR}

    def _one(self, sql: str, params: dict | None = None):
        with self.conn, self.conn.cursor() as cursor:
            cursor.execute(sql, {**self.params, **(params or {})})
            return cursor.fetchone()[0]

    def _run(self, sql: str, params: dict | None = None) -> None:
        with self.conn, self.conn.cursor() as cursor:
            cursor.execute(sql, {**self.params, **(params or {})})

    def _vacuum_analyze(self) -> None:
        """Fresh statistics for the planner, and a visibility map, so that an index-only scan
        (the expiring report's count) reads the index alone as it would once autovacuum ran."""
        self.conn.autocommit = True  # VACUUM runs outside a transaction
        try:
            with self.conn.cursor() as cursor:
                for table in _TABLES:
                    cursor.execute(f"VACUUM ANALYZE {table}")
        finally:
            self.conn.autocommit = False

    def drug_count(self) -> int:
        return self._one("SELECT count(*) FROM catalog_drug")

    def lot_count(self) -> int:
        return self._one("SELECT count(*) FROM inventory_lot")

    def drugs_to(self, total: int) -> int:
        """Add bench drugs until the catalog holds ``total`` drugs; the count reached."""
        clash = self._one(
            "SELECT count(*) FROM catalog_drug WHERE ndc11 LIKE %(labeler)s || '%%' "
            "AND manufacturer <> %(maker)s"
        )
        if clash:
            raise SystemExit(f"{clash} drugs outside the bench data use labeler {BENCH_LABELER}")
        have = self._one("SELECT count(*) FROM catalog_drug WHERE manufacturer = %(maker)s")
        missing = total - self.drug_count()
        if missing > 0:
            self._run(_DRUGS_SQL, {"start": have, "stop": have + missing})
            self._vacuum_analyze()
        return self.drug_count()

    def lots_to(self, total: int) -> int:
        """Add bench lots (with their receipt rows) until there are ``total`` lots."""
        if not self._one("SELECT count(*) FROM catalog_drug WHERE manufacturer = %(maker)s"):
            raise SystemExit("bench lots need bench drugs: load drugs first")
        self._run(
            "INSERT INTO inventory_receipt (warehouse_id, actor, created_at) "
            "SELECT id, %(actor)s, now() FROM catalog_warehouse "
            "WHERE owner_org = %(org)s AND active AND NOT EXISTS ("
            "  SELECT 1 FROM inventory_receipt AS r "
            "  WHERE r.warehouse_id = catalog_warehouse.id AND r.actor = %(actor)s)",
            {"org": self.org},
        )
        have = self._one(
            "SELECT count(*) FROM inventory_lot WHERE drug_id IN "
            "(SELECT id FROM catalog_drug WHERE manufacturer = %(maker)s)"
        )
        missing = total - self.lot_count()
        if missing > 0:
            params = {
                "org": self.org,
                "start": have,
                "stop": have + missing,
                "spread": SPREAD_DAYS,
                "expired": EXPIRED_DAYS,
            }
            self._run(_LOTS_SQL, params)
            self._vacuum_analyze()
        return self.lot_count()

    def remove(self) -> None:
        """Delete every bench row (one transaction), then vacuum so that the tables and the
        planner's statistics are the demo data's again."""
        with self.conn, self.conn.cursor() as cursor:
            for sql in _REMOVE_SQL:
                cursor.execute(sql, self.params)
        self._vacuum_analyze()

    def close(self) -> None:
        self.conn.close()
