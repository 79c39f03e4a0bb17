"""One pybreaker ``CircuitBreaker`` per upstream, its state shared by all replicas in Redis.

Breakers are built on first use (``CircuitRedisStorage`` talks to Redis in its constructor,
and a service must boot while Redis is down). If Redis is unreachable then, the breaker keeps
its state in process memory until the process restarts.
"""

import logging
import threading

import pybreaker
import redis
from django.conf import settings
from prometheus_client import Counter, Gauge

from common.redis import get_redis

log = logging.getLogger(__name__)

# Five consecutive failures open the breaker; after ten seconds one trial call may close it.
FAIL_MAX = 5
RESET_TIMEOUT_SECONDS = 10

_STATE_VALUE = {pybreaker.STATE_CLOSED: 0, pybreaker.STATE_HALF_OPEN: 1, pybreaker.STATE_OPEN: 2}
breaker_state = Gauge(
    "pharma_breaker_state",
    "Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.",
    ["upstream"],
    multiprocess_mode="mostrecent",
)
breaker_failures = Counter(
    "pharma_breaker_failures", "Failed calls counted by a circuit breaker.", ["upstream"]
)


class _MetricsListener(pybreaker.CircuitBreakerListener):
    def __init__(self, upstream: str):
        self.upstream = upstream

    def state_change(self, cb, old_state, new_state):
        breaker_state.labels(self.upstream).set(_STATE_VALUE.get(new_state.name, 0))
        log.warning(
            "circuit breaker state change",
            extra={
                "upstream": self.upstream,
                "from": getattr(old_state, "name", None),
                "to": new_state.name,
            },
        )

    def failure(self, cb, exc):
        breaker_failures.labels(self.upstream).inc()


_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_lock = threading.Lock()


def _storage(upstream: str) -> pybreaker.CircuitBreakerStorage:
    namespace = f"pharma:breaker:{settings.SERVICE_NAME}:{upstream}"
    try:
        return pybreaker.CircuitRedisStorage(
            pybreaker.STATE_CLOSED, get_redis(), namespace=namespace
        )
    except redis.RedisError:
        log.warning("redis unavailable: breaker state kept in memory", extra={"upstream": upstream})
        return pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED)


def breaker_for(upstream: str) -> pybreaker.CircuitBreaker:
    with _lock:
        if upstream not in _breakers:
            _breakers[upstream] = pybreaker.CircuitBreaker(
                fail_max=FAIL_MAX,
                reset_timeout=RESET_TIMEOUT_SECONDS,
                state_storage=_storage(upstream),
                listeners=[_MetricsListener(upstream)],
                name=upstream,
            )
        return _breakers[upstream]
