"""Breakers you can see: the state gauge follows the state shared in Redis, each transition is
counted and logged once, and /readyz lists breakers that are not closed.

HTTP is faked with ``responses``; Redis is real. The test project does not run Prometheus in
multiprocess mode, so metrics are read from ``prometheus_client``'s default registry.
"""

import logging
import time

import pytest
import responses
from django.test import Client
from prometheus_client import REGISTRY

from common.clients import breakers
from common.clients.base import ServiceClient
from common.errors import UpstreamUnavailable
from common.redis import get_redis
from tests.test_clients import fresh_breakers  # noqa: F401 - autouse: breakers start closed

BASE = "http://pricing.test/api/pricing"
CLOSED, HALF_OPEN, OPEN = 0, 1, 2


class PricingTestClient(ServiceClient):
    upstream = "pricing"


@pytest.fixture
def client():
    return PricingTestClient(base_url=BASE)


@pytest.fixture
def transition_logs(caplog):
    caplog.set_level(logging.INFO, logger="common.clients.breakers")

    def records():
        return [
            record
            for record in caplog.records
            if record.name == "common.clients.breakers"
            and record.getMessage() == "circuit breaker state change"
        ]

    return records


def state_gauge(upstream: str = "pricing") -> float | None:
    return REGISTRY.get_sample_value("pharma_breaker_state", {"upstream": upstream})


def transitions(to: str, upstream: str = "pricing") -> float:
    labels = {"upstream": upstream, "to": to}
    return REGISTRY.get_sample_value("pharma_breaker_transitions_total", labels) or 0.0


def fail_until_open(client):
    responses.post(f"{BASE}/quotes/", status=503)
    for _ in range(breakers.FAIL_MAX):
        with pytest.raises(UpstreamUnavailable):
            client.request("POST", "quotes/")


def let_reset_timeout_pass(upstream: str = "pricing"):
    # pybreaker keeps opened_at in Redis in whole seconds: move it back instead of sleeping.
    get_redis().set(
        f"{breakers._namespace(upstream)}:pybreaker:opened_at",
        int(time.time()) - breakers.RESET_TIMEOUT_SECONDS - 1,
    )


def succeed(client):
    responses.upsert(responses.POST, f"{BASE}/quotes/", json={"id": 1}, status=201)
    assert client.request("POST", "quotes/").status_code == 201


@pytest.mark.django_db
@responses.activate
def test_failures_open_the_breaker_for_metrics_logs_and_readyz(client, transition_logs):
    opened_before = transitions("open")

    fail_until_open(client)

    assert state_gauge() == OPEN
    assert transitions("open") == opened_before + 1
    [record] = transition_logs()
    assert record.levelno == logging.WARNING
    assert (record.upstream, getattr(record, "from"), record.to) == ("pricing", "closed", "open")
    assert record.failures == breakers.FAIL_MAX
    ready = Client().get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "ok"},
        "breakers": {"pricing": "open"},
    }
    exported = Client().get("/metrics").content.decode()
    assert 'pharma_breaker_state{upstream="pricing"} 2.0' in exported
    assert 'pharma_breaker_transitions_total{to="open",upstream="pricing"}' in exported


@pytest.mark.django_db
@responses.activate
def test_after_the_reset_timeout_a_success_half_opens_and_closes_it(client, transition_logs):
    fail_until_open(client)
    half_opened_before, closed_before = transitions("half-open"), transitions("closed")
    let_reset_timeout_pass()

    succeed(client)

    assert state_gauge() == CLOSED
    assert transitions("half-open") == half_opened_before + 1
    assert transitions("closed") == closed_before + 1
    moves = [(getattr(record, "from"), record.to) for record in transition_logs()]
    assert moves == [("closed", "open"), ("open", "half-open"), ("half-open", "closed")]
    ready = Client().get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"
    assert ready.json()["breakers"] == {}


@responses.activate
def test_a_change_another_process_made_moves_the_gauge_but_is_counted_and_logged_once(
    client, transition_logs
):
    fail_until_open(client)
    this_process = breakers.breaker_for("pricing")
    breakers.breakers_forget()  # the next call builds its own breaker, as another worker would
    let_reset_timeout_pass()
    succeed(PricingTestClient(base_url=BASE))
    closed_after_recovery = transitions("closed")
    breakers.breaker_state.labels("pricing").set(OPEN)  # what this process last saw

    this_process.call(lambda: None)  # finds "closed" in Redis where it last saw "open"

    assert state_gauge() == CLOSED
    assert transitions("closed") == closed_after_recovery
    assert [record.to for record in transition_logs()] == ["open", "half-open", "closed"]


@responses.activate
def test_a_breaker_built_where_another_process_opened_it_exports_open(client):
    fail_until_open(client)
    breakers.breakers_forget()
    breakers.breaker_state.labels("pricing").set(CLOSED)  # a fresh worker has seen nothing

    breakers.breaker_for("pricing")

    assert state_gauge() == OPEN


@pytest.mark.django_db
@responses.activate
def test_readyz_refreshes_the_gauge_of_a_worker_that_makes_no_calls(client):
    fail_until_open(client)
    breakers.breaker_state.labels("pricing").set(CLOSED)  # what an idle worker last saw

    Client().get("/readyz")

    assert state_gauge() == OPEN


@pytest.mark.django_db
def test_readyz_lists_a_half_open_breaker():
    breakers.breaker_for("pricing").half_open()

    ready = Client().get("/readyz")

    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["breakers"] == {"pricing": "half-open"}
    assert state_gauge() == HALF_OPEN
