"""The native runner's scheduled jobs (``Service.scheduled_jobs`` in the registry), as whoever
runs the platform would notice them: a round runs every minute, no job fails, and the answers
catalog and pricing stored for ``Idempotency-Key`` retries do not pile up forever."""

import contextlib
import time
import uuid

import psycopg2
from conftest import replica_environ

from common.registry import JOB_INTERVAL_SECONDS

STORES_IDEMPOTENT_ANSWERS = ["catalog", "pricing"]


def _store_record(database_url: str, age: str) -> int:
    with contextlib.closing(psycopg2.connect(database_url)) as conn, conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO common_idempotencyrecord"
            " (principal, key, request_hash, status_code, response_body, content_type, created_at)"
            " VALUES ('user:0', %s, '', 201, '{}', 'application/json', now() - %s::interval)"
            " RETURNING id",
            [f"scheduled-jobs-{uuid.uuid4()}", age],
        )
        return cur.fetchone()[0]


def _stored(database_url: str, record_id: int) -> bool:
    with contextlib.closing(psycopg2.connect(database_url)) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM common_idempotencyrecord WHERE id = %s", [record_id])
        return cur.fetchone() is not None


def test_a_month_old_idempotent_answer_is_purged_within_two_rounds_a_fresh_one_kept(platform):
    databases = [
        replica_environ("e2e", f"{name}-1", "DATABASE_URL") for name in STORES_IDEMPOTENT_ANSWERS
    ]
    old = {url: _store_record(url, "30 days") for url in databases}
    fresh = {url: _store_record(url, "0 seconds") for url in databases}
    deadline = time.monotonic() + 2 * JOB_INTERVAL_SECONDS + 30
    while remaining := [url for url, record in old.items() if _stored(url, record)]:
        assert time.monotonic() < deadline, f"still stored after two rounds of jobs: {remaining}"
        time.sleep(2)
    assert all(_stored(url, record) for url, record in fresh.items()), "a retry may still come"
    failed = [line for line in platform.output if "scheduled job failed" in line]
    assert failed == []
