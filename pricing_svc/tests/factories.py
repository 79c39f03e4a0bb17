"""factory_boy factories of the pricing models; defaults are in force today."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from chargebacks.models import Chargeback, ShippedLine
from contracts.models import Contract, ContractItem
from discounts.models import DiscountRule, DiscountTier
from prices.models import PriceList, PriceListItem
from tests.conftest import BUYER, CATALOG


def today() -> date:
    return timezone.localdate()


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList

    name = factory.Sequence(lambda n: f"WAC list {n}")
    currency = "USD"
    valid_from = factory.LazyFunction(lambda: today() - timedelta(days=30))
    valid_to = None


class PriceListItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceListItem

    price_list = factory.SubFactory(PriceListFactory)
    drug = factory.Sequence(lambda n: n % 399 + 1)
    unit_price = Decimal("10.00")
    manufacturer = factory.LazyAttribute(lambda item: CATALOG.get(item.drug, ""))
    drug_name = factory.LazyAttribute(lambda item: f"Drug {item.drug}")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    buyer_org = BUYER
    name = factory.Sequence(lambda n: f"Contract {n}")
    currency = "USD"
    valid_from = factory.LazyFunction(lambda: today() - timedelta(days=30))
    valid_to = factory.LazyFunction(lambda: today() + timedelta(days=335))


class ContractItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractItem

    contract = factory.SubFactory(ContractFactory)
    drug = 1
    unit_price = Decimal("8.00")
    manufacturer = factory.LazyAttribute(lambda item: CATALOG.get(item.drug, ""))
    drug_name = factory.LazyAttribute(lambda item: f"Drug {item.drug}")


class DiscountRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscountRule

    name = factory.Sequence(lambda n: f"Rule {n}")
    kind = DiscountRule.Kind.PERCENT
    value = Decimal("10")
    valid_from = factory.LazyFunction(lambda: today() - timedelta(days=30))
    valid_to = factory.LazyFunction(lambda: today() + timedelta(days=30))
    priority = 100
    stackable = True


class DiscountTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscountTier

    rule = factory.SubFactory(DiscountRuleFactory, kind=DiscountRule.Kind.TIER, value=None)
    min_quantity = 10
    percent = Decimal("5")


class ShippedLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippedLine

    order_ref = factory.Sequence(lambda n: f"ORD-{n:05d}")
    buyer_org = BUYER
    drug = 1
    quantity = 10
    unit_price = Decimal("8.00")
    shipped_at = factory.LazyFunction(timezone.now)
    recorded_by = "client:orders-service"


class ChargebackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chargeback

    shipped_line = factory.SubFactory(ShippedLineFactory)
    order_ref = factory.SelfAttribute("shipped_line.order_ref")
    buyer_org = factory.SelfAttribute("shipped_line.buyer_org")
    drug = factory.SelfAttribute("shipped_line.drug")
    manufacturer = factory.LazyAttribute(lambda cb: CATALOG.get(cb.drug, ""))
    contract = factory.SubFactory(ContractFactory)
    quantity = factory.SelfAttribute("shipped_line.quantity")
    list_price = Decimal("10.00")
    contract_price = Decimal("8.00")
    amount = factory.LazyAttribute(lambda cb: (cb.list_price - cb.contract_price) * cb.quantity)
    shipped_at = factory.SelfAttribute("shipped_line.shipped_at")
