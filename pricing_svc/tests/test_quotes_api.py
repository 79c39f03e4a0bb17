"""POST/GET quotes through the API: who may quote for whom, what a quote says, what is
stored, and the last good prices kept for orders."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.fallbacks import last_good_price
from common.testing import mint_token
from discounts.models import DiscountRule
from quotes.models import Quote
from tests.conftest import BUYER, OTHER_BUYER, PHARMACY
from tests.factories import (
    ContractFactory,
    ContractItemFactory,
    DiscountRuleFactory,
    DiscountTierFactory,
    PriceListFactory,
    PriceListItemFactory,
    today,
)

pytestmark = pytest.mark.django_db
URL = "/api/pricing/quotes/"


def lines(*pairs):
    return {"lines": [{"drug": drug, "quantity": quantity} for drug, quantity in pairs]}


@pytest.fixture
def priced():
    """Drugs 1-3 on the list at 10.00, 20.00 and 0.0123; drug 1 at 8.00 on BUYER's contract."""
    price_list = PriceListFactory()
    for drug, price in [(1, "10.00"), (2, "20.00"), (3, "0.0123")]:
        PriceListItemFactory(price_list=price_list, drug=drug, unit_price=Decimal(price))
    item = ContractItemFactory(drug=1, unit_price=Decimal("8.00"), contract__buyer_org=BUYER)
    return SimpleNamespace(price_list=price_list, contract=item.contract)


def test_a_buyer_gets_an_explained_quote_for_its_own_organization(hospital, priced):
    tier = DiscountTierFactory(min_quantity=10, percent=Decimal("5"), rule__org_type="hospital")
    response = hospital.post(URL, lines((1, 10), (2, 1), (3, 1000)), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["buyer_org"] == BUYER
    assert body["currency"] == "USD"
    first, second, third = body["lines"]
    assert first["list_price"] == "10.0000"
    assert first["unit_price"] == "7.6000"  # contract 8.00, then 5% off at 10+
    assert first["line_total"] == "76.00"
    assert [(step["source"], step["id"]) for step in first["applied"]] == [
        ("list", priced.price_list.id),
        ("contract", priced.contract.id),
        ("rule", tier.rule_id),
    ]
    assert second["unit_price"] == "20.0000"  # no contract, and 1 unit reaches no tier
    assert [step["source"] for step in second["applied"]] == ["list"]
    assert third["line_total"] == "11.69"  # 0.0123 x 1000 x 0.95 = 11.685 -> half up
    assert body["total"] == "107.69"
    valid_until = timezone.datetime.fromisoformat(body["valid_until"])
    assert timedelta(minutes=14) < valid_until - timezone.now() <= timedelta(minutes=15)


def test_the_quote_is_stored_and_read_back_the_same(hospital, priced):
    DiscountTierFactory(min_quantity=2, percent=Decimal("5"))
    ContractItemFactory(contract=priced.contract, drug=5, unit_price=Decimal("3.14159"))
    created = hospital.post(URL, lines((1, 2), (3, 7), (5, 1)), format="json").json()
    assert created["lines"][2]["list_price"] is None  # drug 5: on the contract only
    read = hospital.get(f"{URL}{created['id']}/")
    assert read.status_code == 200
    assert read.json() == created
    stored = Quote.objects.get()
    assert (stored.buyer_org_type, stored.requested_by) == ("hospital", "user:1")
    assert [line.position for line in stored.lines.all()] == [0, 1, 2]


def test_quote_lifetime_is_configurable(hospital, priced, settings):
    settings.PRICING_QUOTE_TTL_SECONDS = 60
    body = hospital.post(URL, lines((1, 1)), format="json").json()
    valid_until = timezone.datetime.fromisoformat(body["valid_until"])
    assert valid_until - timezone.now() <= timedelta(seconds=60)


def test_a_drug_without_a_price_is_refused_never_priced_at_zero(
    hospital, priced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = hospital.post(URL, lines((1, 1), (99, 1)), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "no_price"
    assert body["drugs"] == [99]
    assert body["errors"] == {"lines": ["Drug 99 has no price."]}
    assert Quote.objects.count() == 0
    assert last_good_price(buyer_org=BUYER, drug=1, max_age_seconds=60) is None


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "applies"),
    [
        (0, 0, True),  # a one-day contract, today
        (-10, 0, True),  # ends today (inclusive)
        (0, 10, True),  # starts today
        (-10, -1, False),  # ended yesterday
        (1, 10, False),  # starts tomorrow
    ],
)
def test_contract_dates_at_the_boundaries(hospital, priced, valid_from, valid_to, applies):
    priced.contract.delete()
    ContractItemFactory(
        drug=2,
        unit_price=Decimal("15.00"),
        contract__valid_from=today() + timedelta(days=valid_from),
        contract__valid_to=today() + timedelta(days=valid_to),
    )
    line = hospital.post(URL, lines((2, 1)), format="json").json()["lines"][0]
    assert line["unit_price"] == ("15.0000" if applies else "20.0000")


@pytest.mark.parametrize(
    ("starts", "ends", "applies"), [(0, 5, True), (-5, 0, True), (1, 5, False), (-5, -1, False)]
)
def test_rule_dates_at_the_boundaries(hospital, priced, starts, ends, applies):
    DiscountRuleFactory(
        value=Decimal("50"),
        valid_from=today() + timedelta(days=starts),
        valid_to=today() + timedelta(days=ends),
    )
    line = hospital.post(URL, lines((2, 1)), format="json").json()["lines"][0]
    assert line["unit_price"] == ("10.0000" if applies else "20.0000")


def test_overlapping_contracts_resolve_to_the_latest_starting_then_highest_id(hospital, priced):
    # priced: started 30 days ago at 8.00. A later-starting one wins over it...
    later = ContractFactory(valid_from=today() - timedelta(days=5))
    ContractItemFactory(contract=later, drug=1, unit_price=Decimal("9.00"))
    # ...and of two starting the same day, the higher id.
    twin = ContractFactory(valid_from=later.valid_from)
    ContractItemFactory(contract=twin, drug=1, unit_price=Decimal("9.50"))
    line = hospital.post(URL, lines((1, 1)), format="json").json()["lines"][0]
    assert line["unit_price"] == "9.5000"
    assert line["applied"][1]["id"] == twin.id


def test_rules_by_kind_of_buyer_and_by_buyer(hospital, pharmacy, priced):
    DiscountRuleFactory(value=Decimal("10"), org_type="pharmacy")
    DiscountRuleFactory(value=Decimal("50"), buyer_org=OTHER_BUYER)
    assert pharmacy.post(URL, lines((2, 1)), format="json").json()["total"] == "18.00"
    assert hospital.post(URL, lines((2, 1)), format="json").json()["total"] == "20.00"


def test_another_buyers_contract_never_prices_my_quote(other_hospital, priced):
    line = other_hospital.post(URL, lines((1, 1)), format="json").json()["lines"][0]
    assert line["unit_price"] == "10.0000"


def test_a_buyer_cannot_quote_for_another_organization(hospital, priced):
    response = hospital.post(URL, {**lines((1, 1)), "buyer_org": OTHER_BUYER}, format="json")
    assert response.status_code == 404
    assert Quote.objects.count() == 0
    own = hospital.post(URL, {**lines((1, 1)), "buyer_org": BUYER}, format="json")
    assert own.status_code == 201


def test_a_buyer_cannot_read_another_organizations_quote(hospital, other_hospital, priced):
    quote_id = hospital.post(URL, lines((1, 1)), format="json").json()["id"]
    assert other_hospital.get(f"{URL}{quote_id}/").status_code == 404


def test_a_service_quotes_for_any_named_organization(quoting_service, priced):
    DiscountRuleFactory(value=Decimal("10"), org_type="hospital")
    response = quoting_service.post(
        URL, {**lines((1, 1)), "buyer_org": BUYER, "buyer_org_type": "hospital"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["lines"][0]["unit_price"] == "7.2000"
    assert quoting_service.get(f"{URL}{response.json()['id']}/").status_code == 200
    assert Quote.objects.get().requested_by == "client:orders-service"


def test_a_patients_quote_has_no_organization_and_no_contract(quoting_service, priced):
    DiscountRuleFactory(value=Decimal("10"))  # for everyone
    DiscountRuleFactory(value=Decimal("50"), org_type="hospital")
    DiscountRuleFactory(value=Decimal("50"), buyer_org=BUYER)
    response = quoting_service.post(
        URL, {**lines((1, 1)), "buyer_org_type": "patient"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["buyer_org"] is None
    assert response.json()["lines"][0]["unit_price"] == "9.0000"  # list 10.00, 10% off


def test_a_service_must_name_the_organization(quoting_service, priced):
    response = quoting_service.post(URL, lines((1, 1)), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "buyer_org_required"


@pytest.mark.parametrize(
    ("token_kwargs", "status"),
    [
        ({"role": "distributor", "org": 1}, 403),
        ({"role": "patient"}, 403),
        ({"role": "hospital"}, 403),  # a buyer account with no organization
        ({"sub": None, "scope": "pricing:chargeback"}, 403),  # a service without the scope
    ],
)
def test_who_may_not_quote(api_client, priced, token_kwargs, status):
    response = api_client(mint_token(**token_kwargs)).post(URL, lines((1, 1)), format="json")
    assert response.status_code == status
    assert Quote.objects.count() == 0


def test_anonymous_callers_are_refused(api_client, priced):
    assert api_client().post(URL, lines((1, 1)), format="json").status_code == 401


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"lines": []}, "invalid", "lines"),
        ({"lines": [{"drug": 1, "quantity": 0}]}, "invalid", "lines"),
        ({"lines": [{"drug": 1, "quantity": 1_000_001}]}, "invalid", "lines"),
        ({"lines": [{"drug": -1, "quantity": 1}]}, "invalid", "lines"),
        ({"lines": [{"drug": "x", "quantity": 1}]}, "invalid", "lines"),
        ({"lines": [{"drug": 1, "quantity": 1}] * 2}, "duplicate_drug", "lines"),
        ({"lines": [{"drug": d, "quantity": 1} for d in range(1, 102)]}, "invalid", "lines"),
        ({"lines": "1"}, "invalid", "lines"),
        ({}, "invalid", "lines"),
    ],
)
def test_bad_baskets_are_refused_with_a_code(hospital, priced, body, code, field):
    response = hospital.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert field in response.json()["errors"]
    assert Quote.objects.count() == 0


def test_each_basket_is_validated_on_its_own(hospital, priced):
    """The input's fields serve every request (built once): no request's errors or data
    carry over to the next."""
    zero = hospital.post(URL, {"lines": [{"drug": 1, "quantity": 0}]}, format="json")
    assert hospital.post(URL, lines((2, 1)), format="json").status_code == 201
    bad_drug = hospital.post(URL, {"lines": [{"drug": "x", "quantity": 1}]}, format="json")
    assert zero.json()["errors"] == {
        "lines": [{"quantity": ["Ensure this value is greater than or equal to 1."]}]
    }
    assert bad_drug.json()["errors"] == {"lines": [{"drug": ["A valid integer is required."]}]}


def test_prices_in_several_currencies_are_not_quoted_together(hospital, priced):
    PriceListItemFactory(drug=4, price_list__currency="EUR", unit_price=Decimal("5"))
    response = hospital.post(URL, lines((1, 1), (4, 1)), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "mixed_currency"


def test_each_quoted_line_becomes_the_last_good_price(
    hospital, quoting_service, priced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        quote = hospital.post(URL, lines((1, 10), (2, 1)), format="json").json()
    cached = last_good_price(buyer_org=BUYER, drug=1, max_age_seconds=60)
    assert cached.unit_price == Decimal("8.0000")
    assert cached.currency == "USD"
    assert cached.quote_id == quote["id"]
    assert last_good_price(buyer_org=BUYER, drug=2, max_age_seconds=60).unit_price == Decimal("20")
    assert last_good_price(buyer_org=PHARMACY, drug=1, max_age_seconds=60) is None
    # A newer quote replaces it.
    DiscountRuleFactory(value=Decimal("50"), kind=DiscountRule.Kind.PERCENT)
    with django_capture_on_commit_callbacks(execute=True):
        quoting_service.post(URL, {**lines((1, 1)), "buyer_org": BUYER}, format="json")
    assert last_good_price(buyer_org=BUYER, drug=1, max_age_seconds=60).unit_price == Decimal("4")


def test_quoting_costs_the_same_queries_for_one_line_or_many(hospital, priced):
    DiscountTierFactory(min_quantity=1, percent=Decimal("1"))
    DiscountRuleFactory(value=Decimal("2"))
    for drug in range(10, 60):
        PriceListItemFactory(drug=drug, price_list=priced.price_list)
        ContractItemFactory(drug=drug, contract=priced.contract)
    with CaptureQueriesContext(connection) as one:
        assert hospital.post(URL, lines((1, 1)), format="json").status_code == 201
    with CaptureQueriesContext(connection) as many:
        many_lines = lines(*[(drug, 2) for drug in range(10, 60)])
        assert hospital.post(URL, many_lines, format="json").status_code == 201
    assert len(many) == len(one)


def test_a_quote_costs_at_most_four_statements(hospital, priced, django_assert_max_num_queries):
    """Three reads (list prices, contract prices, rules with their tiers) and one insert of
    the quote with its lines; the answer is not read back."""
    DiscountTierFactory(min_quantity=1, percent=Decimal("1"))
    with django_assert_max_num_queries(4):
        assert hospital.post(URL, lines((1, 1), (2, 3)), format="json").status_code == 201


def test_quotes_are_counted_by_outcome(
    hospital, priced, client, django_capture_on_commit_callbacks
):
    def counted(outcome):
        metrics = client.get("/metrics").content.decode()
        line = f'pharma_pricing_quotes_total{{outcome="{outcome}"}}'
        return next(
            (float(row.split()[-1]) for row in metrics.splitlines() if row.startswith(line)), 0.0
        )

    priced_before, refused_before = counted("priced"), counted("no_price")
    with django_capture_on_commit_callbacks(execute=True):
        hospital.post(URL, lines((1, 1)), format="json")
        hospital.post(URL, lines((99, 1)), format="json")
    assert counted("priced") == priced_before + 1
    assert counted("no_price") == refused_before + 1
