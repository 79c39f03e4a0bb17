"""One pybreaker ``CircuitBreaker`` per upstream, its state shared by all replicas in Redis.

Breakers are built on first use (``CircuitRedisStorage`` talks to Redis in its constructor,
and a service must boot while Redis is down). If Redis is unreachable then, the breaker keeps
its state in process memory until the process restarts.

What a breaker does is visible three ways: the ``pharma_breaker_state`` gauge, the
``pharma_breaker_transitions_total`` counter with one log line per transition, and
``shared_states()``, which ``/readyz`` reports.
"""

import logging
import threading

import pybreaker
import redis
from django.conf import settings
from prometheus_client import Counter, Gauge

from common.redis import get_redis
from common.registry import SERVICES

log = logging.getLogger(__name__)

# Five consecutive failures open the breaker; after ten seconds one trial call may close it.
FAIL_MAX = 5
RESET_TIMEOUT_SECONDS = 10

STATE_VALUE = {pybreaker.STATE_CLOSED: 0, pybreaker.STATE_HALF_OPEN: 1, pybreaker.STATE_OPEN: 2}

# Every worker of every replica reads the same state from Redis, so workers only disagree when
# one of them has not looked lately; the newest reading is the truest one. "mostrecent" exports
# it, where "max" would keep showing "open" after another worker closed the breaker, until
# every worker that saw it open had made a call. A dead worker's file stays: its reading is
# only exported while nothing newer exists, and then it is still the last state known.
breaker_state = Gauge(
    "pharma_breaker_state",
    "Circuit breaker of calls to an upstream, as shared in Redis: 0 closed, 1 half-open, 2 open.",
    ["upstream"],
    multiprocess_mode="mostrecent",
)
breaker_transitions = Counter(
    "pharma_breaker_transitions",
    "Circuit breaker state changes made by this process, by upstream and new state "
    "(closed, half-open, open); sum over replicas for the service's count.",
    ["upstream", "to"],
)
breaker_failures = Counter(
    "pharma_breaker_failures", "Failed calls counted by a circuit breaker.", ["upstream"]
)


class SharedBreaker(pybreaker.CircuitBreaker):
    """A breaker that tells its listeners which state changes it makes itself.

    pybreaker notifies listeners of a change this instance makes (``open``, ``half_open``,
    ``close``) and also of one it merely notices, on its next call, that another process made
    in Redis. The gauge wants both; the counter and the log want each transition once, from
    the process that made it, not once more from every worker that later notices it.
    """

    def __init__(self, *args, **kwargs):
        self._making = threading.local()
        super().__init__(*args, **kwargs)

    @property
    def making_transition(self) -> bool:
        return getattr(self._making, "active", False)

    def _make(self, change, *args):
        self._making.active = True
        try:
            return change(*args)
        finally:
            self._making.active = False

    def open(self) -> bool:
        return self._make(super().open)

    def half_open(self) -> None:
        self._make(super().half_open)

    def close(self) -> None:
        self._make(super().close)


class _VisibilityListener(pybreaker.CircuitBreakerListener):
    """Keeps the gauge on the shared state; counts and logs the transitions made here.

    The gauge is refreshed on every call through the breaker at no cost: pybreaker reads the
    state from Redis before each call and reports a change another process made as a state
    change. A scrape-time refresh would not run: under gunicorn django-prometheus exports from
    the multiprocess files, not from collectors in this process. ``shared_states()`` (read by
    every ``/readyz``) refreshes the gauge of workers that make no calls.
    """

    def state_change(self, cb, old_state, new_state):
        breaker_state.labels(cb.name).set(STATE_VALUE[new_state.name])
        if not getattr(cb, "making_transition", False):
            return
        breaker_transitions.labels(cb.name, new_state.name).inc()
        log.log(
            logging.WARNING if new_state.name == pybreaker.STATE_OPEN else logging.INFO,
            "circuit breaker state change",
            extra={
                "upstream": cb.name,
                "from": getattr(old_state, "name", None),
                "to": new_state.name,
                "failures": cb.fail_counter,
            },
        )

    def failure(self, cb, exc):
        breaker_failures.labels(cb.name).inc()


class OneReadRedisStorage(pybreaker.CircuitRedisStorage):
    """``CircuitRedisStorage`` with one Redis round trip per healthy call instead of two.

    pybreaker reads the state before each call (GET) and, after each success, sets the shared
    failure counter to zero (SET) even when it is zero already. Here the state and the counter
    are read together (MGET) and a success writes the counter only when that read found
    failures. What is given up: a failure another replica counts while this call is in
    flight is not cleared by this call's success (the breaker may open one failure sooner).
    """

    def __init__(self, *args, **kwargs):
        self._read = threading.local()  # the failure count read with the state, per thread
        super().__init__(*args, **kwargs)

    @property
    def state(self) -> str:
        try:
            state, failures = self._redis.mget(
                self._namespace("state"), self._namespace("fail_counter")
            )
        except redis.RedisError:
            log.warning("redis unavailable: breaker state read as closed")
            return self._fallback_circuit_state
        self._read.failures = int(failures or 0)
        if state is None:  # the keys are gone (Redis flushed): start again as pybreaker does
            self._initialize_redis_state(self._fallback_circuit_state)
            return self._fallback_circuit_state
        return state.decode()

    @state.setter
    def state(self, state: str) -> None:
        pybreaker.CircuitRedisStorage.state.fset(self, state)

    def reset_counter(self) -> None:
        if getattr(self._read, "failures", None) == 0:
            return  # zero when read with the state: nothing to clear
        super().reset_counter()
        self._read.failures = 0


_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_lock = threading.Lock()


def _namespace(upstream: str) -> str:
    return f"pharma:breaker:{settings.SERVICE_NAME}:{upstream}"


def _state_key(upstream: str) -> str:
    # The key CircuitRedisStorage keeps the state under (its ``_namespace("state")``).
    return f"{_namespace(upstream)}:{pybreaker.CircuitRedisStorage.BASE_NAMESPACE}:state"


def _storage(upstream: str) -> pybreaker.CircuitBreakerStorage:
    try:
        return OneReadRedisStorage(
            pybreaker.STATE_CLOSED, get_redis(), namespace=_namespace(upstream)
        )
    except redis.RedisError:
        log.warning("redis unavailable: breaker state kept in memory", extra={"upstream": upstream})
        return pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED)


def breaker_for(upstream: str) -> pybreaker.CircuitBreaker:
    with _lock:
        if upstream not in _breakers:
            breaker = SharedBreaker(
                fail_max=FAIL_MAX,
                reset_timeout=RESET_TIMEOUT_SECONDS,
                state_storage=_storage(upstream),
                listeners=[_VisibilityListener()],
                name=upstream,
            )
            # A breaker built while another process holds it open starts open, and pybreaker
            # reports no change for that: export the state found.
            breaker_state.labels(upstream).set(STATE_VALUE.get(breaker.current_state, 0))
            _breakers[upstream] = breaker
        return _breakers[upstream]


def breakers_forget() -> None:
    """Drop this process's breakers: the next call builds each again from the state shared
    in Redis, as a freshly started worker would (tests use it to start from closed breakers
    or to act as another replica)."""
    with _lock:
        _breakers.clear()


def shared_states() -> dict[str, str]:
    """The state held in Redis of each breaker of this service (upstreams it never called have
    none), e.g. ``{"pricing": "open"}``. Raises ``redis.RedisError`` when Redis is down.

    Reads the keys (one MGET) instead of building breakers, which would write to Redis.
    Refreshes the state gauge with what it read.
    """
    upstreams = [service.name for service in SERVICES if service.name != settings.SERVICE_NAME]
    values = get_redis().mget([_state_key(upstream) for upstream in upstreams])
    states = {
        upstream: value.decode()
        for upstream, value in zip(upstreams, values, strict=True)
        if value is not None and value.decode() in STATE_VALUE
    }
    for upstream, state in states.items():
        breaker_state.labels(upstream).set(STATE_VALUE[state])
    return states
