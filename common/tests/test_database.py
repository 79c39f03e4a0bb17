"""The Postgres backend checks a reused connection only after it has rested.

What an operator sees: ``django_db_execute_total`` counts every statement, the health
check's ``SELECT 1`` included; what a caller sees: a connection the server dropped while it
rested is replaced before their query runs.
"""

import psycopg2
import pytest
from django.db import connection
from prometheus_client import REGISTRY

from common.database.base import HEALTH_CHECK_AFTER_IDLE_SECONDS

pytestmark = pytest.mark.django_db(transaction=True)


def statements() -> float:
    labels = {"alias": "default", "vendor": connection.vendor}
    return REGISTRY.get_sample_value("django_db_execute_total", labels) or 0


def next_request_query() -> int:
    """What a request's first query does: Django resets the check at each request's start."""
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_busy_connection_is_not_checked_before_each_request():
    next_request_query()
    before = statements()
    for _ in range(3):
        next_request_query()
    assert statements() - before == 3


def test_a_connection_dropped_while_it_rested_is_replaced():
    pid = next_request_query()
    connection.last_used_at -= HEALTH_CHECK_AFTER_IDLE_SECONDS + 1
    params = connection.get_connection_params()
    with psycopg2.connect(**params) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert next_request_query() != pid
