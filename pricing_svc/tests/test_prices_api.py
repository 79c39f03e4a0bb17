"""Price lists and their items through the API: catalog checks, caching, all-or-nothing."""

from decimal import Decimal

import pytest
import requests
import responses
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prices.models import PriceList, PriceListItem
from tests.conftest import MYLAN, TEVA, drug_calls
from tests.factories import PriceListFactory, PriceListItemFactory

pytestmark = pytest.mark.django_db
URL = "/api/pricing/price-lists/"


def body(**overrides):
    return {
        "name": "WAC 2027",
        "currency": "USD",
        "valid_from": "2027-01-01",
        "items": [
            {"drug": 1, "unit_price": "12.50", "currency": "USD"},
            {"drug": 2, "unit_price": "0.0123"},
        ],
        **overrides,
    }


def test_a_distributor_creates_a_price_list_with_drugs_checked_in_the_catalog(distributor, catalog):
    response = distributor.post(URL, body(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["item_count"] == 2
    assert response.json()["valid_to"] is None
    items = distributor.get(f"{URL}{response.json()['id']}/items/").json()["results"]
    assert [(i["drug"], i["unit_price"], i["currency"], i["manufacturer"]) for i in items] == [
        (1, "12.5000", "USD", TEVA),
        (2, "0.0123", "USD", MYLAN),
    ]
    lookup = next(call for call in catalog.calls if "/drugs/" in call.request.url)
    assert lookup.request.headers["Authorization"] == "Bearer pricing-token"


def test_an_unknown_drug_refuses_the_whole_list(distributor, catalog):
    items = [{"drug": 1, "unit_price": "1"}, {"drug": 5000, "unit_price": "1"}]
    response = distributor.post(URL, body(items=items), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_drug"
    assert PriceList.objects.count() == PriceListItem.objects.count() == 0


def test_the_catalog_being_down_refuses_with_503_and_saves_nothing(distributor):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(
            f"{settings.GATEWAY_URL}/api/auth/oauth/token/",
            json={"access_token": "t", "expires_in": 600},
        )
        mock.get(
            f"{settings.GATEWAY_URL}/api/catalog/drugs/1/", body=requests.ConnectionError("down")
        )
        response = distributor.post(
            URL, body(items=[{"drug": 1, "unit_price": "1"}]), format="json"
        )
    assert response.status_code == 503
    assert response.json()["code"] == "upstream_unavailable"
    assert response["Retry-After"]
    assert PriceList.objects.count() == 0


def test_drug_lookups_are_cached(distributor, catalog):
    distributor.post(URL, body(name="A"), format="json")
    distributor.post(URL, body(name="B"), format="json")
    assert drug_calls(catalog) == 2  # drugs 1 and 2, once each


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"currency": "usd"}, "currency"),
        ({"currency": "DOLLARS"}, "currency"),
        ({"valid_from": "2027-02-30"}, "valid_from"),
        ({"valid_to": "2026-12-31"}, "valid_to"),
        ({"items": [{"drug": 1, "unit_price": "-1"}]}, "items"),
        ({"items": [{"drug": 1, "unit_price": "NaN"}]}, "items"),
        ({"items": [{"drug": 1, "unit_price": "100000000"}]}, "items"),
        ({"items": [{"drug": 1, "unit_price": "1.00001"}]}, "items"),
        ({"items": [{"drug": 1, "unit_price": "1", "currency": "EUR"}]}, "items"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_price_lists_are_refused(distributor, catalog, overrides, field):
    response = distributor.post(URL, body(**overrides), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert PriceList.objects.count() == 0


def test_a_drug_twice_in_one_list_is_refused(distributor, catalog):
    items = [{"drug": 1, "unit_price": "1"}, {"drug": 1, "unit_price": "2"}]
    response = distributor.post(URL, body(items=items), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_drug"


def test_names_are_unique(distributor, catalog):
    PriceListFactory(name="WAC 2027")
    response = distributor.post(URL, body(), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_name"


def test_setting_an_items_price_adds_or_replaces_it(distributor, catalog):
    price_list = PriceListFactory()
    items_url = f"{URL}{price_list.id}/items/"
    added = distributor.post(items_url, {"drug": 3, "unit_price": "4.20"}, format="json")
    assert added.status_code == 201
    replaced = distributor.post(items_url, {"drug": 3, "unit_price": "4.10"}, format="json")
    assert replaced.status_code == 200
    assert replaced.json()["id"] == added.json()["id"]
    assert PriceListItem.objects.get().unit_price == Decimal("4.10")
    wrong = distributor.post(
        items_url, {"drug": 3, "unit_price": "1", "currency": "EUR"}, format="json"
    )
    assert wrong.status_code == 400
    assert (
        distributor.post(
            f"{URL}999999/items/", {"drug": 3, "unit_price": "1"}, format="json"
        ).status_code
        == 404
    )


def test_filters(distributor):
    old = PriceListFactory(valid_from="2020-01-01", valid_to="2020-12-31", currency="EUR")
    current = PriceListFactory()
    PriceListItemFactory(price_list=current, drug=7)
    PriceListItemFactory(price_list=current, drug=8)
    ids = lambda query: [row["id"] for row in distributor.get(URL + query).json()["results"]]  # noqa: E731
    assert ids("?active_on=2020-06-01") == [old.id]
    assert ids("?currency=USD") == [current.id]
    items = distributor.get(f"{URL}{current.id}/items/?drug=8").json()["results"]
    assert [item["drug"] for item in items] == [8]
    assert distributor.get(URL + "?active_on=yesterday").status_code == 400


@pytest.mark.parametrize("caller", ["hospital", "pharmacy", "quoting_service"])
def test_buyers_and_services_do_not_manage_price_lists(request, caller, catalog):
    client = request.getfixturevalue(caller)
    assert client.get(URL).status_code == 403
    assert client.post(URL, body(), format="json").status_code == 403


def test_listing_costs_the_same_queries_for_few_or_many(admin):
    PriceListItemFactory()
    with CaptureQueriesContext(connection) as few:
        admin.get(URL)
    for _ in range(20):
        PriceListItemFactory()
    with CaptureQueriesContext(connection) as many:
        assert len(admin.get(URL).json()["results"]) == 21
    assert len(many) == len(few) <= 2
    price_list = PriceListFactory()
    PriceListItemFactory.create_batch(30, price_list=price_list)
    with CaptureQueriesContext(connection) as items:
        assert admin.get(f"{URL}{price_list.id}/items/").json()["count"] == 30
    assert len(items) <= 3


def test_prices_are_still_set_while_the_cache_is_down(distributor, catalog, settings):
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
        }
    }
    response = distributor.post(URL, body(), format="json")
    assert response.status_code == 201
    assert drug_calls(catalog) == 2
