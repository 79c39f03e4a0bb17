"""Demo discount rules (``manage.py seed``): volume tiers for hospitals, a percent for
pharmacies."""

from decimal import Decimal

from discounts.models import DiscountRule, DiscountTier
from prices.demo import DEMO_VALID_FROM, DEMO_VALID_TO

Kind = DiscountRule.Kind
# Quantities count packs.
HOSPITAL_TIERS = [(10, Decimal("2")), (50, Decimal("4")), (100, Decimal("6"))]


def _rule(name: str, **fields) -> DiscountRule:
    rule, _ = DiscountRule.objects.update_or_create(
        name=name,
        defaults={"valid_from": DEMO_VALID_FROM, "valid_to": DEMO_VALID_TO, **fields},
    )
    return rule


def seed_discount_rules() -> None:
    """The demo rules, reset to their demo values (idempotent)."""
    tiers = _rule(
        "Hospital volume tiers",
        kind=Kind.TIER,
        value=None,
        org_type=DiscountRule.OrgType.HOSPITAL,
        priority=100,
        stackable=True,
    )
    tiers.tiers.all().delete()
    DiscountTier.objects.bulk_create(
        DiscountTier(rule=tiers, min_quantity=quantity, percent=percent)
        for quantity, percent in HOSPITAL_TIERS
    )
    _rule(
        "Pharmacy trade discount",
        kind=Kind.PERCENT,
        value=Decimal("3"),
        org_type=DiscountRule.OrgType.PHARMACY,
        priority=100,
        stackable=True,
    )
