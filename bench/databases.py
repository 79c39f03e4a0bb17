"""The platform's databases, as its own processes were told them (their DATABASE_URL), and
the one count the run reads from them while it runs."""

import time

import psycopg2
from oversell import CONFIRMED
from processes import service_environ

SETTLE_TIMEOUT_S = 20


def service_database_urls(pids: set[int]) -> dict[str, str]:
    """{service: DATABASE_URL} read from the environment of the service's processes."""
    return service_environ(pids, "DATABASE_URL")


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def vacuum_analyze(urls) -> None:
    """``VACUUM ANALYZE`` each database, as autovacuum would have: the order rows of earlier
    runs leave dead row versions behind, and a server with autovacuum off (this machine's)
    would otherwise make every run slower than the one before."""
    for url in urls:
        conn = psycopg2.connect(url, connect_timeout=5)
        try:
            conn.autocommit = True  # VACUUM runs outside a transaction
            with conn.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        finally:
            conn.close()


def _confirmed_since(orders_url: str, since) -> int:
    conn = psycopg2.connect(orders_url, connect_timeout=5)
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM orders_order WHERE created_at >= %s AND status IN %s",
                [since, CONFIRMED],
            )
            return cursor.fetchone()[0]
    finally:
        conn.close()


def settled_orders(orders_url: str, since) -> int:
    """Orders confirmed since ``since``, once their count stops growing: requests in flight
    when wrk stopped still complete (and spend CPU) although wrk never counts them."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    last = _confirmed_since(orders_url, since)
    while time.monotonic() < deadline:
        time.sleep(1)
        now = _confirmed_since(orders_url, since)
        if now == last:
            break
        last = now
    return last
