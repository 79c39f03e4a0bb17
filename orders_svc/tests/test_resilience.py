"""When other services are down: a recent cached price is safe to use; a reservation is not
(503, never a confirmed order); breakers open and answer fast; keys replay."""

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from common.clients import breakers
from common.fallbacks import CachedPrice, remember_good_prices
from orders.models import Order

pytestmark = pytest.mark.django_db
ORDERS = "/api/orders/"


def place(client, lines, key=None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(ORDERS, {"lines": lines, **extra}, format="json", **headers)


def remember(drug: int, price: str, age: timedelta) -> None:
    quoted_at = datetime.now(UTC) - age
    remember_good_prices(
        [
            CachedPrice(
                buyer_org=2,
                drug=drug,
                unit_price=Decimal(price),
                currency="USD",
                quoted_at=quoted_at,
            )
        ]
    )


def test_pricing_down_with_a_recent_cached_quote_prices_from_it(hospital, upstream):
    upstream.drug(11)
    upstream.pricing_down()
    upstream.stock()
    remember(11, "4.2500", timedelta(minutes=5))
    response = place(hospital, [{"drug": 11, "quantity": 2}])
    assert response.status_code == 201
    assert response.json()["price_source"] == "cached"
    assert response.json()["total"] == "8.5000"


@pytest.mark.parametrize("age", [None, timedelta(days=30)])
def test_pricing_down_without_a_usable_cached_quote_is_503_and_holds_nothing(
    hospital, upstream, age
):
    upstream.drug(12)
    upstream.pricing_down()
    upstream.stock()
    if age is not None:
        remember(12, "1.0000", age)
    response = place(hospital, [{"drug": 12, "quantity": 1}])
    assert response.status_code == 503
    assert response.json()["code"] == "upstream_unavailable"
    assert response["Retry-After"]
    assert Order.objects.get().status == "rejected"
    assert not upstream.calls("/reservations/")


def test_catalog_down_is_503_and_the_order_is_never_confirmed(hospital, upstream):
    upstream.drug(13)
    upstream.prices({13: "1.0000"})
    upstream.catalog_down()
    response = place(hospital, [{"drug": 13, "quantity": 1}])
    assert response.status_code == 503
    assert Order.objects.get().status == "rejected"


def test_the_breaker_opens_and_then_answers_without_calling(hospital, upstream):
    upstream.drug(14)
    upstream.prices({14: "1.0000"})
    upstream.catalog_down()
    for _ in range(breakers.FAIL_MAX):
        assert place(hospital, [{"drug": 14, "quantity": 1}]).status_code == 503
    calls = len(upstream.calls("/reservations/"))
    started = time.perf_counter()
    response = place(hospital, [{"drug": 14, "quantity": 1}])
    assert response.status_code == 503 and "circuit open" in response.json()["detail"]
    assert len(upstream.calls("/reservations/")) == calls
    assert time.perf_counter() - started < 0.5


def test_the_same_key_replays_the_first_answer_and_places_once(hospital, upstream):
    upstream.drug(15)
    upstream.prices({15: "2.0000"})
    upstream.stock()
    first = place(hospital, [{"drug": 15, "quantity": 1}], key="po-1")
    again = place(hospital, [{"drug": 15, "quantity": 1}], key="po-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1
    assert len(upstream.calls("/api/catalog/reservations/", "POST")) == 1  # one hold, confirmed


def test_a_refusal_is_replayed_too(hospital, upstream):
    upstream.drug(16)
    upstream.prices({16: "2.0000"})
    upstream.short({"drug": 16, "requested": 9, "available": 0})
    first = place(hospital, [{"drug": 16, "quantity": 9}], key="po-2")
    again = place(hospital, [{"drug": 16, "quantity": 9}], key="po-2")
    assert (again.status_code, again.json()) == (409, first.json())
    assert again["Content-Type"] == "application/problem+json"


def test_the_same_key_with_another_body_is_409(hospital, upstream):
    upstream.drug(17)
    upstream.prices({17: "2.0000"})
    upstream.stock()
    place(hospital, [{"drug": 17, "quantity": 1}], key="po-3")
    response = place(hospital, [{"drug": 17, "quantity": 2}], key="po-3")
    assert (response.status_code, response.json()["code"]) == (409, "idempotency_key_reused")


def test_a_503_frees_the_key_for_a_retry(hospital, upstream):
    upstream.drug(18)
    upstream.pricing_down()
    assert place(hospital, [{"drug": 18, "quantity": 1}], key="po-4").status_code == 503
    upstream.mock.remove("POST", "http://gw.test/api/pricing/quotes/")  # pricing is back
    upstream.prices({18: "2.0000"})
    upstream.stock()
    breakers.breakers_forget()
    retry = place(hospital, [{"drug": 18, "quantity": 1}], key="po-4")
    assert retry.status_code == 201
    assert Order.objects.filter(status="confirmed").count() == 1


def test_keys_are_per_buyer(hospital, api_client, upstream):
    from common.testing import mint_token

    upstream.drug(19)
    upstream.prices({19: "2.0000"})
    upstream.stock()
    other = api_client(mint_token(role="pharmacy", sub="55", org=4, org_type="pharmacy"))
    assert place(hospital, [{"drug": 19, "quantity": 1}], key="same").status_code == 201
    assert place(other, [{"drug": 19, "quantity": 1}], key="same").status_code == 201
    assert Order.objects.count() == 2


def test_an_order_confirmed_whose_answer_was_lost_replays_as_201(hospital, upstream):
    """The replica died between confirming the order and storing its answer."""
    upstream.drug(20)
    upstream.prices({20: "2.0000"})
    upstream.stock()
    first = place(hospital, [{"drug": 20, "quantity": 1}], key="po-lost")
    assert first.status_code == 201
    Order.objects.filter(pk=first.json()["id"]).update(answer_status=None, answer_body=None)
    again = place(hospital, [{"drug": 20, "quantity": 1}], key="po-lost")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"] and again.json()["status"] == "confirmed"
    assert Order.objects.count() == 1
