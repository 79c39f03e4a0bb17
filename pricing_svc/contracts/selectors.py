"""Reads of contracts: what a caller may see, the price in force, overlaps."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import QuerySet

from common.authentication import Principal
from common.prepared import AnyOf, Param, PreparedQuery
from contracts.models import Contract, ContractItem
from prices.permissions import BUYER_ROLES


def contracts_visible_to(principal: Principal) -> QuerySet[Contract]:
    """Buyers see their own organization's contracts only; the seller side sees all."""
    contracts = Contract.objects.prefetch_related("items")
    if principal.role in BUYER_ROLES:
        if principal.org is None:
            return contracts.none()
        return contracts.filter(buyer_org=principal.org)
    return contracts


_contract_prices_on = PreparedQuery(
    lambda: ContractItem.objects.filter(
        contract__buyer_org=Param("buyer_org"),
        contract__valid_from__lte=Param("on"),
        contract__valid_to__gte=Param("on"),
        drug=AnyOf("drugs"),
    )
    .select_related("contract")
    .order_by("drug", "-contract__valid_from", "-contract_id")
    .distinct("drug")
)


def contract_prices_on(
    *, buyer_org: int, drugs: Iterable[int], on: date
) -> dict[int, ContractItem]:
    """The contract price of each drug for ``buyer_org`` on ``on`` (one query, compiled once
    per process).

    Contracts starting after ``on`` or ended before it do not apply. Where several contracts
    in force price the same drug, the latest-starting one wins, then the highest id.
    """
    items = _contract_prices_on(buyer_org=buyer_org, drugs=list(drugs), on=on)
    return {item.drug: item for item in items}


@dataclass(frozen=True)
class Overlap:
    contract: int
    name: str
    drugs: list[int]


def contract_overlaps(*, contract: Contract) -> list[Overlap]:
    """Other contracts of the same buyer, in force on some same day, pricing a same drug."""
    rows = (
        ContractItem.objects.filter(
            contract__buyer_org=contract.buyer_org,
            contract__valid_from__lte=contract.valid_to,
            contract__valid_to__gte=contract.valid_from,
            drug__in=ContractItem.objects.filter(contract=contract).values("drug"),
        )
        .exclude(contract=contract)
        .values("contract_id", "contract__name")
        .annotate(drugs=ArrayAgg("drug", order_by="drug"))
        .order_by("contract_id")
    )
    return [Overlap(row["contract_id"], row["contract__name"], row["drugs"]) for row in rows]
