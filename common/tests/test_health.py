"""Probes: liveness says the process is up; readiness checks Postgres and Redis for real."""

import pytest
from django.test import Client

from common.redis import get_redis


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
def test_readyz_is_503_when_redis_is_down(redis_unreachable):
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["redis"].startswith("error")


def test_metrics_are_exported():
    Client().get("/healthz")
    body = Client().get("/metrics").content.decode()
    assert "django_http_requests_total_by_method_total" in body
