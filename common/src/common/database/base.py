"""Postgres with connection metrics, and health checks only where they help.

New connections and failed attempts are counted (django-prometheus' ``django_db_new_*``
counters). Queries are not: django-prometheus' cursor wrapper writes three metric values per
query, a tenth of an order placement's CPU, for numbers no dashboard or alert reads; a
request's time is in the request metrics (``common.request_metrics``).

Django's ``CONN_HEALTH_CHECKS`` sends ``SELECT 1`` before the first query of every request
that reuses a connection: a whole round trip, about a tenth of a one-row read. A connection
that answered a query a moment ago is as good as one that just answered ``SELECT 1``, so the
check runs only when the connection has been idle for ``HEALTH_CHECK_AFTER_IDLE_SECONDS`` —
after a quiet spell, when the server may have restarted or dropped it meanwhile. (PgBouncer
does the same with ``server_check_delay``.) A connection that fails mid-request is still
closed at the request's end, as before.
"""

import time

from django.db.backends.postgresql import base
from django_prometheus.db import connection_errors_total, connections_total

# Idle for longer than this, a connection is checked before its next request uses it.
HEALTH_CHECK_AFTER_IDLE_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    """Records when each request first used the connection; checks it only after a rest."""

    last_used_at = float("-inf")

    def get_new_connection(self, conn_params):
        connections_total.labels(self.alias, self.vendor).inc()
        try:
            return super().get_new_connection(conn_params)
        except Exception:
            connection_errors_total.labels(self.alias, self.vendor).inc()
            raise

    def connect(self):
        super().connect()
        self.last_used_at = time.monotonic()

    def close_if_health_check_failed(self):
        if self.connection is not None and not self.health_check_done:
            now = time.monotonic()
            idle_seconds, self.last_used_at = now - self.last_used_at, now
            if idle_seconds < HEALTH_CHECK_AFTER_IDLE_SECONDS:
                self.health_check_done = True
                return
        super().close_if_health_check_failed()
