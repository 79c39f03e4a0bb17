"""Reads of discount rules."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet

from discounts.models import DiscountRule


def discount_rules() -> QuerySet[DiscountRule]:
    return DiscountRule.objects.prefetch_related("tiers")


def rules_in_force(
    *, on: date, buyer_org: int | None, org_type: str, drugs: Iterable[int]
) -> list[DiscountRule]:
    """Rules in force on ``on`` that may apply to this buyer and these drugs (two queries).

    A rule's empty conditions match anything; a rule for a kind of buyer (``org_type``) does
    not apply when the buyer's kind is unknown.
    """
    rules = discount_rules().filter(
        Q(drug__isnull=True) | Q(drug__in=list(drugs)),
        Q(buyer_org__isnull=True) | Q(buyer_org=buyer_org)
        if buyer_org
        else Q(buyer_org__isnull=True),
        Q(org_type="") | Q(org_type=org_type) if org_type else Q(org_type=""),
        valid_from__lte=on,
        valid_to__gte=on,
    )
    return list(rules.order_by("priority", "id"))
