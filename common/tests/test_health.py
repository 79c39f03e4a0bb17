"""Probes: liveness says the process is up; readiness checks Postgres and Redis for real."""

import pytest
from django.test import Client

from common.clients import breakers
from common.redis import get_redis
from tests.test_clients import fresh_breakers  # noqa: F401 - autouse: breakers start closed


@pytest.fixture
def redis_unreachable(settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    get_redis.cache_clear()
    yield
    get_redis.cache_clear()


def test_healthz_needs_nothing_but_the_process():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_database_and_redis():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_readyz_with_every_breaker_closed_is_ok_and_lists_none():
    breakers.breaker_for("catalog")  # a breaker that exists, closed

    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["breakers"] == {}


@pytest.mark.django_db
def test_readyz_reads_breaker_state_without_building_breakers():
    Client().get("/readyz")

    assert breakers._breakers == {}
    assert not list(get_redis().scan_iter("pharma:breaker:commontest:*"))


@pytest.mark.django_db
def test_readyz_is_503_when_redis_is_down(redis_unreachable):
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["redis"].startswith("error")
    assert response.json()["status"] == "unavailable"
    assert response.json()["breakers"] == {}
    assert breakers._breakers == {}


def test_metrics_are_exported():
    Client().get("/healthz")
    body = Client().get("/metrics").content.decode()
    assert "django_http_requests_total_by_method_total" in body
