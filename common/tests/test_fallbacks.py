"""Last good prices in (real) Redis: written by pricing, read by orders when pricing is down."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from common.fallbacks import (
    CachedPrice,
    last_good_price,
    last_good_price_key,
    last_good_prices,
    remember_good_prices,
)
from common.redis import get_redis

BUYER = 8801  # apart from the demo organizations, so no other suite's keys are touched


@pytest.fixture(autouse=True)
def clean_keys():
    def clean():
        for key in get_redis().scan_iter(f"pharma:lastquote:{BUYER}:*"):
            get_redis().delete(key)

    clean()
    yield
    clean()


def price(drug=1, unit_price="12.3400", age=timedelta(0), currency="USD"):
    quoted_at = datetime.now(UTC) - age
    return CachedPrice(BUYER, drug, Decimal(unit_price), currency, quoted_at, "q-1")


def test_a_price_kept_is_read_back_exactly():
    kept = price(unit_price="0.0049")
    assert remember_good_prices([kept]) is True
    assert last_good_price(buyer_org=BUYER, drug=1, max_age_seconds=60) == kept


def test_the_key_and_value_are_the_documented_shared_format():
    remember_good_prices([price(drug=7)], ttl_seconds=100)
    key = last_good_price_key(buyer_org=BUYER, drug=7)
    assert key == f"pharma:lastquote:{BUYER}:7"
    value = json.loads(get_redis().get(key))
    assert value["unit_price"] == "12.3400"  # a decimal string, never a float
    assert value["currency"] == "USD"
    assert datetime.fromisoformat(value["quoted_at"]).tzinfo is not None
    assert 0 < get_redis().ttl(key) <= 100


def test_too_old_or_missing_prices_are_no_fallback():
    remember_good_prices([price(drug=1, age=timedelta(hours=2)), price(drug=2)])
    found = last_good_prices(buyer_org=BUYER, drugs=[1, 2, 3], max_age_seconds=3600)
    assert set(found) == {2}
    assert last_good_price(buyer_org=BUYER, drug=1, max_age_seconds=3600) is None
    assert last_good_price(buyer_org=BUYER, drug=1, max_age_seconds=3 * 3600) is not None


def test_a_newer_quote_replaces_the_older_price():
    remember_good_prices([price(unit_price="10")])
    remember_good_prices([price(unit_price="9.5")])
    assert last_good_price(buyer_org=BUYER, drug=1, max_age_seconds=60).unit_price == Decimal("9.5")


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b'{"unit_price": "abc", "currency": "USD", "quoted_at": "2026-01-01T00:00:00+00:00"}',
        b'{"unit_price": "-1", "currency": "USD", "quoted_at": "2026-01-01T00:00:00+00:00"}',
        b'{"unit_price": "NaN", "currency": "USD", "quoted_at": "2026-01-01T00:00:00+00:00"}',
        b'{"unit_price": "1", "currency": "USD", "quoted_at": "2026-01-01T00:00:00"}',
        b'{"currency": "USD"}',
        b"[1, 2]",
    ],
)
def test_an_unreadable_value_is_no_fallback_rather_than_an_error(raw):
    get_redis().set(last_good_price_key(buyer_org=BUYER, drug=1), raw)
    assert last_good_price(buyer_org=BUYER, drug=1, max_age_seconds=10**9) is None


def test_a_price_from_the_future_is_not_trusted():
    remember_good_prices([price(age=-timedelta(hours=1))])
    assert last_good_price(buyer_org=BUYER, drug=1, max_age_seconds=10**9) is None


def test_redis_down_means_no_fallback_and_no_error(settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    get_redis.cache_clear()
    try:
        assert remember_good_prices([price()]) is False
        assert last_good_prices(buyer_org=BUYER, drugs=[1], max_age_seconds=60) == {}
    finally:
        get_redis.cache_clear()
