"""Writes of list prices: price lists and the price of each drug in them."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from common.clients.catalog import Drug
from common.errors import Conflict, ValidationFailed
from prices.drugs import drugs_lookup
from prices.models import PricedDrug, PriceList, PriceListItem


@dataclass(frozen=True)
class ItemIn:
    """One drug's price as sent by a client."""

    drug: int
    unit_price: Decimal


def catalog_drugs_for(items: Sequence[ItemIn]) -> dict[int, Drug]:
    """Refuse a drug listed twice, then look every drug up in the catalog.

    Runs before anything is written, so an unknown drug or a catalog outage leaves nothing.
    """
    repeated = sorted(drug for drug, count in Counter(i.drug for i in items).items() if count > 1)
    if repeated:
        raise ValidationFailed(
            f"Each drug may be listed once; repeated: {repeated}.",
            code="duplicate_drug",
            extra={"errors": {"items": [f"Drug {drug} is listed twice." for drug in repeated]}},
        )
    return drugs_lookup(item.drug for item in items)


def priced_rows(
    model: type[PricedDrug], items: Sequence[ItemIn], drugs: dict[int, Drug], **parent
) -> list[PricedDrug]:
    """Unsaved rows of ``model`` for ``items``, with the catalog's manufacturer and name."""
    return [
        model(
            drug=item.drug,
            unit_price=item.unit_price,
            manufacturer=drugs[item.drug].manufacturer,
            drug_name=drugs[item.drug].name,
            **parent,
        )
        for item in items
    ]


def _refuse_taken_name(name: str) -> None:
    if PriceList.objects.filter(name=name).exists():
        raise Conflict(f"A price list named {name!r} exists.", code="duplicate_name")


def price_list_create(
    *,
    name: str,
    currency: str,
    valid_from: date,
    valid_to: date | None,
    items: Sequence[ItemIn],
) -> PriceList:
    """A price list with its items, all or nothing.

    The catalog is asked first, outside the transaction, so no row lock waits on the network.
    """
    _refuse_taken_name(name)
    drugs = catalog_drugs_for(items)
    try:
        with transaction.atomic():
            price_list = PriceList.objects.create(
                name=name, currency=currency, valid_from=valid_from, valid_to=valid_to
            )
            PriceListItem.objects.bulk_create(
                priced_rows(PriceListItem, items, drugs, price_list=price_list)
            )
    except IntegrityError as exc:  # a concurrent create with the same name won the race
        raise Conflict(f"A price list named {name!r} exists.", code="duplicate_name") from exc
    return price_list


def price_list_item_set(
    *, price_list: PriceList, drug: int, unit_price: Decimal
) -> tuple[PriceListItem, bool]:
    """Set a drug's price in a list (added, or replaced if present); ``(item, created)``."""
    found = catalog_drugs_for([ItemIn(drug=drug, unit_price=unit_price)])[drug]
    values = {"unit_price": unit_price, "manufacturer": found.manufacturer, "drug_name": found.name}
    try:
        return PriceListItem.objects.update_or_create(
            price_list=price_list, drug=drug, defaults=values
        )
    except IntegrityError:  # a concurrent first price for the drug won: now it is an update
        return PriceListItem.objects.update_or_create(
            price_list=price_list, drug=drug, defaults=values
        )
