"""Demo list prices (``manage.py seed``): the whole demo catalog at its ``list_price``.

Drug ids, names and manufacturers come from ``common.demo.catalog``; no service is called.
"""

from datetime import date

from common.demo import catalog
from prices.models import PriceList, PriceListItem

DEMO_PRICE_LIST = "Acme Pharma Distribution WAC"
# Wide enough that the demo stays in force whenever it is run.
DEMO_VALID_FROM = date(2025, 1, 1)
DEMO_VALID_TO = date(2035, 12, 31)


def seed_price_list() -> None:
    """One open-ended price list holding every demo drug's list price (idempotent)."""
    price_list, _ = PriceList.objects.update_or_create(
        name=DEMO_PRICE_LIST,
        defaults={"currency": catalog.CURRENCY, "valid_from": DEMO_VALID_FROM, "valid_to": None},
    )
    PriceListItem.objects.bulk_create(
        [
            PriceListItem(
                price_list=price_list,
                drug=drug.id,
                unit_price=drug.list_price,
                manufacturer=drug.manufacturer,
                drug_name=drug.name,
            )
            for drug in catalog.drugs()
        ],
        update_conflicts=True,
        unique_fields=["price_list", "drug"],
        update_fields=["unit_price", "manufacturer", "drug_name"],
    )
