"""Liveness and readiness probes (not routed publicly by the gateway)."""

import redis
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from common.redis import get_redis


@require_GET
def healthz(request):
    """The process is up and serving; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request):
    """Ready when the service's database and Redis both answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        get_redis().ping()
        checks["redis"] = "ok"
    except redis.RedisError as exc:
        checks["redis"] = f"error: {exc.__class__.__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
