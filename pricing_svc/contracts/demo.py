"""Demo contracts (``manage.py seed``): one per demo hospital, a few dozen drugs below list."""

from decimal import Decimal

from common import demo
from common.demo import catalog
from contracts.models import Contract, ContractItem
from prices.demo import DEMO_VALID_FROM, DEMO_VALID_TO
from prices.money import round_total

# (hospital, contract name, which drugs: id % step == offset, share of the list price)
DEMO_CONTRACTS = [
    (demo.ST_MARYS_HOSPITAL, "St. Mary's Hospital GPO agreement", 8, 1, Decimal("0.85")),
    (demo.RIVERSIDE_GENERAL, "Riverside General supply agreement", 10, 3, Decimal("0.88")),
]


def seed_contracts() -> None:
    """Each hospital's contract with exactly its demo items (idempotent)."""
    for buyer_org, name, step, offset, share in DEMO_CONTRACTS:
        contract, _ = Contract.objects.update_or_create(
            buyer_org=buyer_org,
            name=name,
            defaults={
                "currency": catalog.CURRENCY,
                "valid_from": DEMO_VALID_FROM,
                "valid_to": DEMO_VALID_TO,
            },
        )
        drugs = [drug for drug in catalog.drugs() if drug.id % step == offset]
        contract.items.exclude(drug__in=[drug.id for drug in drugs]).delete()
        ContractItem.objects.bulk_create(
            [
                ContractItem(
                    contract=contract,
                    drug=drug.id,
                    unit_price=round_total(drug.list_price * share),
                    manufacturer=drug.manufacturer,
                    drug_name=drug.name,
                )
                for drug in drugs
            ],
            update_conflicts=True,
            unique_fields=["contract", "drug"],
            update_fields=["unit_price", "manufacturer", "drug_name"],
        )
