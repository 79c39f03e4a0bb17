"""Bench scale data: valid rows as the catalog's own rules define them, and gone afterwards."""

import sys
from pathlib import Path

import psycopg2
import pytest
from scale import BENCH_MAKER, ScaleData

# the catalog's own rules for NDCs and GTINs
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "catalog_svc"))
from catalog.identifiers import gtin_is_valid, ndc_to_11

FINGERPRINTS = {
    "drugs": "SELECT count(*), md5(string_agg(concat_ws('|', id, ndc, gtin, name, updated_at), ','"
    " ORDER BY id)) FROM catalog_drug",
    "lots": "SELECT count(*), md5(string_agg(concat_ws('|', id, on_hand, reserved, status), ','"
    " ORDER BY id)) FROM inventory_lot",
    "ledger": "SELECT count(*), sum(on_hand_delta) FROM inventory_movement",
    "receipts": "SELECT count(*) FROM inventory_receipt",
    "search words": "SELECT count(*) FROM catalog_searchterm",
}


def fingerprint(cursor) -> dict:
    result = {}
    for name, sql in FINGERPRINTS.items():
        cursor.execute(sql)
        result[name] = cursor.fetchone()
    return result


@pytest.fixture(scope="session")
def demo_fingerprint(catalog_url):
    """The demo data as seeded, before any bench data was loaded."""
    conn = psycopg2.connect(catalog_url)
    with conn, conn.cursor() as cursor:
        found = fingerprint(cursor)
    conn.close()
    return found


@pytest.fixture
def data(catalog_url, catalog, demo_fingerprint):
    catalog.execute("SELECT DISTINCT owner_org FROM catalog_warehouse")
    (org,) = catalog.fetchone()
    scale = ScaleData(catalog_url, org)
    yield scale
    scale.remove()
    scale.close()


def test_drugs_are_valid_products_and_add_no_search_word(data, catalog):
    before = fingerprint(catalog)
    assert data.drugs_to(1000) == 1000
    catalog.execute(
        "SELECT ndc, ndc11, gtin FROM catalog_drug WHERE manufacturer = %s", [BENCH_MAKER]
    )
    rows = catalog.fetchall()
    assert len(rows) == 1000 - before["drugs"][0]
    assert all(ndc_to_11(ndc) == ndc11 and gtin_is_valid(gtin) for ndc, ndc11, gtin in rows)
    assert fingerprint(catalog)["search words"] == before["search words"]
    # a size below what the catalog already holds adds nothing
    assert data.drugs_to(500) == 1000


def test_lots_are_stock_in_the_ledger_spread_over_the_horizon(data, catalog):
    data.drugs_to(1000)
    assert data.lots_to(5000) == 5000
    catalog.execute(
        """
        SELECT count(*),
               count(*) FILTER (WHERE lot.on_hand <> ledger.on_hand OR lot.reserved <> 0),
               count(*) FILTER (WHERE lot.status = 'available'
                                AND lot.expiry_date BETWEEN current_date AND current_date + 90),
               count(*) FILTER (WHERE lot.expiry_date < current_date AND lot.status <> 'expired'),
               count(*) FILTER (WHERE lot.status = 'quarantined')
        FROM inventory_lot AS lot
        JOIN catalog_drug AS drug ON drug.id = lot.drug_id AND drug.manufacturer = %s
        JOIN LATERAL (SELECT sum(on_hand_delta) AS on_hand FROM inventory_movement
                      WHERE lot_id = lot.id AND kind = 'receipt') AS ledger ON true
        """,
        [BENCH_MAKER],
    )
    bench_lots, off_ledger, expiring, past_not_expired, quarantined = catalog.fetchone()
    assert bench_lots > 3000
    assert off_ledger == 0
    assert past_not_expired == 0
    assert 0.08 * bench_lots < expiring < 0.16 * bench_lots  # 91 of 760 days
    assert quarantined > 0


def test_removal_leaves_the_demo_data_as_it_was(data, catalog, demo_fingerprint):
    data.drugs_to(2000)
    data.lots_to(8000)
    assert fingerprint(catalog) != demo_fingerprint
    data.remove()
    assert fingerprint(catalog) == demo_fingerprint
