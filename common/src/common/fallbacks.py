"""Last-good values kept in Redis, for pricing an order while pricing_svc is unavailable.

pricing_svc writes the unit price of every successfully quoted line; orders_svc reads it back
when a live quote cannot be had and marks the order ``price_source: "cached"``
(ARCHITECTURE.md, Fallbacks).

One key per buyer organization and drug, ``pharma:lastquote:{buyer_org}:{drug}``, shared by
every service (so it goes through the raw Redis client, not a service's prefixed cache); its
value is JSON with the price as a decimal string::

    {"unit_price": "12.3400", "currency": "USD", "quoted_at": "2026-01-05T10:00:00+00:00",
     "quote_id": "…"}

Reading never raises: a missing, stale or unreadable value, or Redis being down, is simply no
fallback. Writing is best effort for the same reason: a quote must not fail because its
copy could not be kept.
"""

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

import redis

from common.redis import get_redis

log = logging.getLogger(__name__)

KEY_PREFIX = "pharma:lastquote"
# Kept for a week unless the writer says otherwise; the reader decides what is too old.
DEFAULT_TTL_SECONDS = 7 * 24 * 3600
# Replicas' clocks may disagree a little; a price "from the future" beyond this is not trusted.
CLOCK_SKEW_SECONDS = 60


@dataclass(frozen=True)
class CachedPrice:
    buyer_org: int
    drug: int
    unit_price: Decimal
    currency: str
    quoted_at: datetime
    quote_id: str | None = None

    def age_seconds(self, now: datetime | None = None) -> float:
        return ((now or datetime.now(UTC)) - self.quoted_at).total_seconds()


def last_good_price_key(*, buyer_org: int, drug: int) -> str:
    return f"{KEY_PREFIX}:{int(buyer_org)}:{int(drug)}"


def remember_good_prices(
    prices: Sequence[CachedPrice], *, ttl_seconds: int = DEFAULT_TTL_SECONDS
) -> bool:
    """Keep these prices as the last good ones (one round trip); False if Redis failed."""
    if not prices:
        return True
    try:
        pipeline = get_redis().pipeline(transaction=False)
        for price in prices:
            value = {
                "unit_price": str(price.unit_price),
                "currency": price.currency,
                "quoted_at": price.quoted_at.astimezone(UTC).isoformat(),
                "quote_id": price.quote_id,
            }
            key = last_good_price_key(buyer_org=price.buyer_org, drug=price.drug)
            pipeline.set(key, json.dumps(value), ex=ttl_seconds)
        pipeline.execute()
    except redis.RedisError:
        log.warning("could not keep last good prices", exc_info=True)
        return False
    return True


def _parse(buyer_org: int, drug: int, raw: bytes | None) -> CachedPrice | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw)
        quoted_at = datetime.fromisoformat(value["quoted_at"])
        if quoted_at.tzinfo is None:
            raise ValueError("quoted_at has no time zone")
        unit_price = Decimal(value["unit_price"])
        if not unit_price.is_finite() or unit_price < 0:
            raise ValueError("unit_price is not a price")
        return CachedPrice(
            buyer_org=buyer_org,
            drug=drug,
            unit_price=unit_price,
            currency=str(value["currency"]),
            quoted_at=quoted_at,
            quote_id=value.get("quote_id"),
        )
    except (ValueError, TypeError, KeyError, InvalidOperation):
        log.warning("unreadable last good price", extra={"buyer_org": buyer_org, "drug": drug})
        return None


def last_good_prices(
    *, buyer_org: int, drugs: Iterable[int], max_age_seconds: float
) -> dict[int, CachedPrice]:
    """The last good price of each of ``drugs`` quoted at most ``max_age_seconds`` ago."""
    drugs = [int(drug) for drug in dict.fromkeys(drugs)]
    if not drugs:
        return {}
    keys = [last_good_price_key(buyer_org=buyer_org, drug=drug) for drug in drugs]
    try:
        raws = get_redis().mget(keys)
    except redis.RedisError:
        log.warning("could not read last good prices", exc_info=True)
        return {}
    now = datetime.now(UTC)
    found = {}
    for drug, raw in zip(drugs, raws, strict=True):
        price = _parse(int(buyer_org), drug, raw)
        if price is not None and -CLOCK_SKEW_SECONDS <= price.age_seconds(now) <= max_age_seconds:
            found[drug] = price
    return found


def last_good_price(*, buyer_org: int, drug: int, max_age_seconds: float) -> CachedPrice | None:
    """The last good price of ``drug`` for ``buyer_org``, or None (missing, too old, unreadable,
    or Redis unreachable)."""
    return last_good_prices(buyer_org=buyer_org, drugs=[drug], max_age_seconds=max_age_seconds).get(
        int(drug)
    )
