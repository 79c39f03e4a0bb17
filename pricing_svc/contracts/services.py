"""Writes of contracts."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from contracts.models import Contract, ContractItem
from prices.services import ItemIn, catalog_drugs_for, priced_rows


def contract_create(
    *,
    buyer_org: int,
    name: str,
    currency: str,
    valid_from: date,
    valid_to: date,
    items: Sequence[ItemIn],
) -> Contract:
    """A contract with its items, all or nothing.

    Every drug is checked in the catalog first, outside the transaction. Overlaps with the
    buyer's other contracts are allowed (the latest-starting contract wins when pricing);
    ``contracts.selectors.contract_overlaps`` tells the people who should know.
    """
    drugs = catalog_drugs_for(items)
    with transaction.atomic():
        contract = Contract.objects.create(
            buyer_org=buyer_org,
            name=name,
            currency=currency,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        ContractItem.objects.bulk_create(priced_rows(ContractItem, items, drugs, contract=contract))
    return contract
