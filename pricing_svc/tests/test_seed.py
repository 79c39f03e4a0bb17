"""``manage.py seed``: demo prices for the whole demo catalog, a contract per demo hospital,
tier rules for hospitals and a percent for pharmacies; idempotent; no calls to other
services (any HTTP would fail here: ``responses`` is active with nothing registered)."""

import io
from decimal import Decimal

import pytest
import responses
from django.core.management import call_command

from common import demo
from common.demo import catalog
from common.testing import mint_token
from contracts.models import Contract, ContractItem
from discounts.models import DiscountRule, DiscountTier
from prices.models import PriceListItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    with responses.RequestsMock():
        call_command("seed", stdout=io.StringIO())


def test_seed_prices_every_demo_drug_at_its_list_price(seeded):
    prices = dict(PriceListItem.objects.values_list("drug", "unit_price"))
    assert prices == {drug.id: drug.list_price for drug in catalog.drugs()}
    manufacturers = set(PriceListItem.objects.values_list("manufacturer", flat=True))
    assert "" not in manufacturers


def test_each_demo_hospital_has_a_contract_of_a_few_dozen_drugs_below_list(seeded):
    listed = {drug.id: drug.list_price for drug in catalog.drugs()}
    for hospital in (demo.ST_MARYS_HOSPITAL, demo.RIVERSIDE_GENERAL):
        items = ContractItem.objects.filter(contract__buyer_org=hospital)
        assert 24 <= items.count() <= 60
        assert all(item.unit_price < listed[item.drug] for item in items)
    assert Contract.objects.count() == 2


def test_seed_rules(seeded):
    tiers = DiscountRule.objects.get(kind="tier")
    assert tiers.org_type == "hospital"
    assert list(tiers.tiers.values_list("min_quantity", flat=True)) == [10, 50, 100]
    pharmacy = DiscountRule.objects.get(kind="percent")
    assert (pharmacy.org_type, pharmacy.value) == ("pharmacy", Decimal("3"))


def test_seed_is_idempotent(seeded):
    counts = [
        model.objects.count()
        for model in (PriceListItem, Contract, ContractItem, DiscountRule, DiscountTier)
    ]
    with responses.RequestsMock():
        call_command("seed", stdout=io.StringIO())
    assert counts == [
        model.objects.count()
        for model in (PriceListItem, Contract, ContractItem, DiscountRule, DiscountTier)
    ]


def test_a_demo_hospital_quotes_its_contract_price_with_volume_tiers(seeded, api_client):
    item = ContractItem.objects.filter(contract__buyer_org=demo.ST_MARYS_HOSPITAL).first()
    client = api_client(
        mint_token(role="hospital", org=demo.ST_MARYS_HOSPITAL, org_type="hospital")
    )
    body = {"lines": [{"drug": item.drug, "quantity": 50}]}
    line = client.post("/api/pricing/quotes/", body, format="json").json()["lines"][0]
    assert [step["source"] for step in line["applied"]] == ["list", "contract", "rule"]
    assert Decimal(line["unit_price"]) == (item.unit_price * Decimal("0.96")).quantize(
        Decimal("0.0001")
    )
