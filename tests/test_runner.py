"""``manage_all.py`` failure modes: one clear line, a non-zero exit and nothing left running;
embedded Postgres and Redis when none are configured; ``down`` stops what ``up`` started."""

import os
import socket
import subprocess
import sys
import time

import pytest
import requests
from conftest import ROOT, start_platform, stop_platform

from common.registry import SERVICES
from common.runner.profiles import PROFILES

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


@pytest.fixture(autouse=True)
def _no_leftovers():
    yield
    assert not (PROFILE.run_dir / "pids.json").exists()
