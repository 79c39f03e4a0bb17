"""Per-client quotas: one budget per caller, shared by every replica, kept in Redis.

Natively (and behind any gateway) the budget must follow the caller, not its address: a
hospital's ERP and the people of a pharmacy behind one NAT are different callers, and one
token sent from many addresses is one. So the services count, after authentication:

- a person by their user id, an integration by its OAuth2 client id, anyone anonymous by the
  address HAProxy saw;
- per route class: ``read`` (GET, HEAD, OPTIONS) and ``write`` (the rest), unless a view
  declares its writes' class with ``quota_class`` (``upload``, ``sign_in``, ``registration``);
- with ``settings.QUOTAS``: "N/P" allows N requests per P seconds — N at once, then one every
  P/N seconds (GCRA, the token bucket written as one timestamp per key).

The arithmetic runs in one Lua script on Redis' own clock, so replicas with drifting clocks
and concurrent requests cannot over-admit. The platform's own services (tokens with no role)
are not counted: their calls are caused by requests that were.
"""

import functools
import logging
import math
from dataclasses import dataclass

import redis
from django.conf import settings
from prometheus_client import Counter

from common.errors import ApplicationError
from common.redis import get_redis

log = logging.getLogger(__name__)
PREFIX = "pharma:quota:"

quota_refusals = Counter(
    "pharma_quota_refusals", "Requests refused for a caller's quota, by route class.", ["klass"]
)
quota_store_errors = Counter(
    "pharma_quota_store_errors",
    "Quota checks Redis could not answer, by decision (open: served, closed: refused).",
    ["decision"],
)

# GCRA. KEYS[1]: the caller's key. ARGV: emission interval (ms), tolerance (ms, = the period).
# The key holds the theoretical arrival time (TAT) of the next request, in ms on Redis' clock;
# it is fractional when the period is not a whole number of ms per request ("7/60"), and PX
# takes whole milliseconds only.
# Returns {allowed, remaining, retry_after_ms, reset_ms}.
_GCRA = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local next_tat = tat + interval
local allowed_at = next_tat - tolerance
if now < allowed_at then
  return {0, 0, allowed_at - now, tat - now}
end
redis.call('SET', KEYS[1], next_tat, 'PX', math.max(1, math.ceil(next_tat - now)))
return {1, math.floor((tolerance - (next_tat - now)) / interval), 0, next_tat - now}
"""


@dataclass(frozen=True)
class Quota:
    requests: int
    period_seconds: int

    @classmethod
    def parse(cls, text: str) -> "Quota":
        requests, _, period = text.partition("/")
        return cls(int(requests), int(period))


@dataclass(frozen=True)
class Decision:
    limit: int
    remaining: int
    reset_seconds: int
    retry_after_seconds: int = 0

    @property
    def headers(self) -> dict[str, str]:
        """API.md: every answer says the limit, what is left and when it is whole again."""
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }


class RateLimited(ApplicationError):
    status = 429
    code = "rate_limited"


class QuotaUnavailable(ApplicationError):
    """Redis cannot say whether a write is within its quota: refuse it rather than let a
    runaway client write unmetered."""

    status = 503
    code = "rate_limit_unavailable"


def quota_spend(*, klass: str, caller: str, safe: bool) -> Decision | None:
    """Spend one request of ``caller``'s ``klass`` budget. Raises ``RateLimited`` when it is
    spent; with Redis unreachable, reads (``safe``) go on unmetered (None) and writes raise
    ``QuotaUnavailable``."""
    quota = Quota.parse(settings.QUOTAS[klass])
    interval_ms = quota.period_seconds * 1000 / quota.requests
    try:
        allowed, remaining, retry_ms, reset_ms = _script()(
            keys=[f"{PREFIX}{klass}:{caller}"], args=[interval_ms, quota.period_seconds * 1000]
        )
    except redis.RedisError:
        decision = "open" if safe else "closed"
        quota_store_errors.labels(decision).inc()
        log.warning("quota store unreachable", extra={"klass": klass, "decision": decision})
        if safe:
            return None
        raise QuotaUnavailable(
            "Rate limits cannot be checked just now; retry shortly.",
            headers={"Retry-After": "1"},
        ) from None
    decision = Decision(
        limit=quota.requests,
        remaining=max(0, int(remaining)),
        reset_seconds=math.ceil(int(reset_ms) / 1000),
        retry_after_seconds=max(1, math.ceil(int(retry_ms) / 1000)) if not allowed else 0,
    )
    if not allowed:
        quota_refusals.labels(klass).inc()
        raise RateLimited(
            f"Over the {klass} quota of {quota.requests} requests per {quota.period_seconds} s.",
            headers={"Retry-After": str(decision.retry_after_seconds), **decision.headers},
        )
    return decision


@functools.cache
def _script():
    """The GCRA script, registered once per process (redis-py then runs it by its SHA)."""
    return get_redis().register_script(_GCRA)
