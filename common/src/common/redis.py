"""The process-wide Redis connection pool for breakers, rate limits and fallbacks.

Created on first use, never at import: a service must boot while Redis is down.
"""

import functools

import redis
from django.conf import settings

# Redis sits next to the service; anything slower than this is an outage, not latency.
SOCKET_TIMEOUT_SECONDS = 0.5


@functools.cache
def get_redis() -> redis.Redis:
    # pybreaker's storage needs raw bytes: no decode_responses.
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        health_check_interval=30,
    )
