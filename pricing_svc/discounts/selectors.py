"""Reads of discount rules."""

from collections.abc import Iterable
from datetime import date

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q, QuerySet

from common.prepared import AnyOf, Param, PreparedQuery
from discounts.models import DiscountRule, DiscountTier


def discount_rules() -> QuerySet[DiscountRule]:
    return DiscountRule.objects.prefetch_related("tiers")


def _tiers(column: str) -> ArraySubquery:
    """One column of a rule's tiers, smallest quantity first."""
    tiers = DiscountTier.objects.filter(rule=OuterRef("pk")).order_by("min_quantity")
    return ArraySubquery(tiers.values(column))


# A rule's empty conditions match anything; ``buyer_org = NULL`` (no organization) and
# ``org_type = ''`` (kind unknown) match no rule that names one.
_rules_in_force = PreparedQuery(
    lambda: DiscountRule.objects.filter(
        Q(drug__isnull=True) | Q(drug=AnyOf("drugs")),
        Q(buyer_org__isnull=True) | Q(buyer_org=Param("buyer_org")),
        Q(org_type="") | Q(org_type=Param("org_type")),
        valid_from__lte=Param("on"),
        valid_to__gte=Param("on"),
    )
    .annotate(tier_quantities=_tiers("min_quantity"), tier_percents=_tiers("percent"))
    .order_by("priority", "id")
)


def rules_in_force(
    *, on: date, buyer_org: int | None, org_type: str, drugs: Iterable[int]
) -> list[DiscountRule]:
    """Rules in force on ``on`` that may apply to this buyer and these drugs (one query,
    compiled once per process), each with its tiers' ``tier_quantities`` and
    ``tier_percents``, smallest quantity first.

    A rule's empty conditions match anything; a rule for a kind of buyer (``org_type``) does
    not apply when the buyer's kind is unknown.
    """
    return _rules_in_force(on=on, buyer_org=buyer_org, org_type=org_type, drugs=list(drugs))
