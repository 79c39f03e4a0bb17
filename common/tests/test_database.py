"""The Postgres backend checks a reused connection only after it has rested.

What a caller sees: a busy connection serves the next request without a ``SELECT 1`` round
trip first, and a connection the server dropped while it rested is replaced before their
query runs. What an operator sees: new connections are counted.
"""

import psycopg2
import pytest
from django.db import connection
from prometheus_client import REGISTRY

from common.database.base import HEALTH_CHECK_AFTER_IDLE_SECONDS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def health_checks(monkeypatch) -> list[bool]:
    """Each ``SELECT 1`` health check the connection makes, with its outcome."""
    made, check = [], connection.is_usable

    def counted():
        made.append(check())
        return made[-1]

    monkeypatch.setattr(connection, "is_usable", counted)
    return made


def new_connections() -> float:
    labels = {"alias": "default", "vendor": connection.vendor}
    return REGISTRY.get_sample_value("django_db_new_connections_total", labels) or 0


def next_request_query() -> int:
    """What a request's first query does: Django resets the check at each request's start."""
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_busy_connection_is_not_checked_before_each_request(health_checks):
    next_request_query()  # checked if the connection rested before the test
    checked = len(health_checks)
    for _ in range(3):
        next_request_query()
    assert len(health_checks) == checked


def test_a_connection_dropped_while_it_rested_is_replaced(health_checks):
    pid = next_request_query()
    before = new_connections()
    connection.last_used_at -= HEALTH_CHECK_AFTER_IDLE_SECONDS + 1
    params = connection.get_connection_params()
    with psycopg2.connect(**params) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert next_request_query() != pid
    assert health_checks == [False]
    assert new_connections() - before == 1
