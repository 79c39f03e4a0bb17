"""Writes of discount rules."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction

from discounts.models import DiscountRule, DiscountTier
from prices.drugs import drug_lookup


def discount_rule_create(
    *,
    name: str,
    kind: str,
    value: Decimal | None,
    tiers: Sequence[tuple[int, Decimal]],
    valid_from: date,
    valid_to: date,
    currency: str = "USD",
    drug: int | None = None,
    org_type: str = "",
    buyer_org: int | None = None,
    priority: int = 100,
    stackable: bool = True,
) -> DiscountRule:
    """A discount rule with its tiers ``(min_quantity, percent)``, all or nothing.

    A rule for one drug checks that drug in the catalog first, like every price does.
    """
    if drug is not None:
        drug_lookup(drug)
    with transaction.atomic():
        rule = DiscountRule.objects.create(
            name=name,
            kind=kind,
            value=value,
            currency=currency,
            drug=drug,
            org_type=org_type,
            buyer_org=buyer_org,
            valid_from=valid_from,
            valid_to=valid_to,
            priority=priority,
            stackable=stackable,
        )
        DiscountTier.objects.bulk_create(
            DiscountTier(rule=rule, min_quantity=min_quantity, percent=percent)
            for min_quantity, percent in tiers
        )
    return rule
