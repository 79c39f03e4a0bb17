"""Demo catalog for ``manage.py seed``: the platform's shared demo drugs (``common.demo``)
with exactly their ids, and Acme Pharma Distribution's two warehouses. Idempotent."""

from django.core.management.color import no_style
from django.db import connection

from catalog.identifiers import gtin_is_valid, ndc_to_11
from catalog.models import Drug, Warehouse
from catalog.search import search_terms_refresh
from catalog.services import DRUG_EDITABLE_FIELDS
from common.demo import ACME_DISTRIBUTION
from common.demo.catalog import CURRENCY, drugs

MAIN_DC = "Main DC"
NORTH_DC = "North DC"
WAREHOUSES = {
    MAIN_DC: "1200 Commerce Way, Columbus, OH 43219",
    NORTH_DC: "85 Harbor Road, Duluth, MN 55802",
}
# Everything a demo row says about a drug (the demo has no inactive drugs).
_COPIED = [name for name in DRUG_EDITABLE_FIELDS if name != "active"]


def seed_catalog() -> None:
    rows = drugs()
    catalog = []
    for row in rows:
        if not gtin_is_valid(row.gtin):
            raise ValueError(f"demo drug {row.id}: bad GTIN {row.gtin}")
        fields = {name: getattr(row, name) for name in _COPIED}
        catalog.append(Drug(id=row.id, ndc11=ndc_to_11(row.ndc), currency=CURRENCY, **fields))
    Drug.objects.bulk_create(
        catalog,
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=[*_COPIED, "ndc11", "currency"],
    )
    search_terms_refresh()
    # Rows were inserted with explicit ids: move the sequence past them.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Drug]):
            cursor.execute(statement)
    for name, address in WAREHOUSES.items():
        Warehouse.objects.get_or_create(
            owner_org=ACME_DISTRIBUTION, name=name, defaults={"address": address}
        )
