"""Contracts through the API: creation checked in the catalog, buyers' isolation, overlaps."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract, ContractItem
from tests.conftest import BUYER, OTHER_BUYER, TEVA
from tests.factories import ContractFactory, ContractItemFactory, today

pytestmark = pytest.mark.django_db
URL = "/api/pricing/contracts/"


def body(**overrides):
    return {
        "buyer_org": BUYER,
        "name": "GPO 2027",
        "valid_from": "2027-01-01",
        "valid_to": "2027-12-31",
        "items": [{"drug": 1, "unit_price": "8.00"}, {"drug": 2, "unit_price": "3.3333"}],
        **overrides,
    }


def test_a_distributor_creates_a_contract(distributor, catalog):
    response = distributor.post(URL, body(), format="json")
    assert response.status_code == 201, response.json()
    contract = response.json()
    assert contract["buyer_org"] == BUYER
    assert contract["currency"] == "USD"
    assert [(i["drug"], i["unit_price"]) for i in contract["items"]] == [
        (1, "8.0000"),
        (2, "3.3333"),
    ]
    assert contract["items"][0]["manufacturer"] == TEVA
    assert contract["overlaps"] == []


def test_a_new_contract_tells_which_contracts_it_overlaps(distributor, catalog):
    old = ContractFactory(valid_from="2026-06-01", valid_to="2027-01-01")
    ContractItemFactory(contract=old, drug=2)
    ContractItemFactory(contract=old, drug=9)
    apart = ContractFactory(valid_from="2026-06-01", valid_to="2026-12-31")  # ends the day before
    ContractItemFactory(contract=apart, drug=1)
    elsewhere = ContractFactory(buyer_org=OTHER_BUYER, valid_from="2027-01-01")
    ContractItemFactory(contract=elsewhere, drug=1)
    response = distributor.post(URL, body(), format="json")
    assert response.json()["overlaps"] == [{"contract": old.id, "name": old.name, "drugs": [2]}]


def test_an_unknown_drug_refuses_the_whole_contract(distributor, catalog):
    items = [{"drug": 1, "unit_price": "1"}, {"drug": 4242, "unit_price": "1"}]
    response = distributor.post(URL, body(items=items), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_drug"
    assert Contract.objects.count() == ContractItem.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"valid_to": "2026-12-31"}, "valid_to"),
        ({"valid_to": None}, "valid_to"),
        ({"buyer_org": 0}, "buyer_org"),
        ({"buyer_org": "St Mary's"}, "buyer_org"),
        ({"items": []}, "items"),
        ({"items": [{"drug": 1}]}, "items"),
        ({"items": [{"drug": 1, "unit_price": "cheap"}]}, "items"),
    ],
)
def test_bad_contracts_are_refused(distributor, catalog, overrides, field):
    response = distributor.post(URL, body(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Contract.objects.count() == 0


def test_buyers_read_only_their_own_organizations_contracts(hospital, other_hospital):
    mine = ContractItemFactory(contract__buyer_org=BUYER).contract
    theirs = ContractItemFactory(contract__buyer_org=OTHER_BUYER).contract
    listed = hospital.get(URL).json()
    assert [c["id"] for c in listed["results"]] == [mine.id]
    assert hospital.get(f"{URL}{mine.id}/").status_code == 200
    assert hospital.get(f"{URL}{theirs.id}/").status_code == 404
    assert hospital.get(f"{URL}?buyer_org={OTHER_BUYER}").json()["count"] == 0
    assert other_hospital.get(f"{URL}{mine.id}/").status_code == 404


def test_buyers_do_not_create_contracts(hospital, catalog):
    assert hospital.post(URL, body(), format="json").status_code == 403
    assert Contract.objects.count() == 0


def test_patients_and_services_read_no_contracts(api_client, quoting_service):
    from common.testing import mint_token

    ContractItemFactory()
    assert api_client(mint_token(role="patient")).get(URL).status_code == 403
    assert quoting_service.get(URL).status_code == 403


def test_filters(admin):
    current = ContractItemFactory(drug=5).contract
    ended = ContractItemFactory(
        drug=6,
        contract__buyer_org=OTHER_BUYER,
        contract__valid_from=today() - timedelta(days=90),
        contract__valid_to=today() - timedelta(days=1),
    ).contract
    ids = lambda query: [c["id"] for c in admin.get(URL + query).json()["results"]]  # noqa: E731
    assert ids(f"?active_on={today()}") == [current.id]
    assert ids(f"?buyer_org={OTHER_BUYER}") == [ended.id]
    assert ids("?drug=6") == [ended.id]


def test_listing_costs_the_same_queries_for_few_or_many(admin):
    ContractItemFactory()
    with CaptureQueriesContext(connection) as few:
        admin.get(URL)
    for drug in range(2, 22):
        contract = ContractFactory()
        ContractItemFactory(contract=contract, drug=drug)
        ContractItemFactory(contract=contract, drug=drug + 100)
    with CaptureQueriesContext(connection) as many:
        assert admin.get(URL).json()["count"] == 21
    assert len(many) == len(few) <= 3


def test_a_repeated_create_with_the_same_idempotency_key_answers_the_first_result(
    distributor, catalog
):
    first = distributor.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = distributor.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Contract.objects.count() == 1
    other = distributor.post(URL, body(name="Other"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
