"""Liveness and readiness probes (not routed publicly by the gateway)."""

import pybreaker
import redis
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from common.clients.breakers import shared_states
from common.redis import get_redis


@require_GET
def healthz(request):
    """The process is up and serving; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request):
    """Ready when the service's database and Redis both answer.

    ``breakers`` maps each upstream whose breaker is not closed to its state (``{}`` when all
    are closed). An open breaker leaves the replica ready (200, ``status: degraded``): its
    calls fail fast or fall back, and taking it out of rotation would not bring the upstream
    back.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    breakers = {}
    try:
        get_redis().ping()
        breakers = {
            upstream: state
            for upstream, state in shared_states().items()
            if state != pybreaker.STATE_CLOSED
        }
        checks["redis"] = "ok"
    except redis.RedisError as exc:
        checks["redis"] = f"error: {exc.__class__.__name__}"
    ready = all(value == "ok" for value in checks.values())
    status = "unavailable" if not ready else "degraded" if breakers else "ok"
    return JsonResponse(
        {"status": status, "checks": checks, "breakers": breakers}, status=200 if ready else 503
    )
