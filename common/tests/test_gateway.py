"""The committed gateway config is what the registry renders, and HAProxy accepts it."""

import shutil
import subprocess
from pathlib import Path

import pytest

from common.gateway import render_haproxy
from common.registry import SERVICES

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "haproxy" / "haproxy.cfg"


def test_committed_haproxy_config_matches_the_registry():
    assert COMMITTED.read_text() == render_haproxy(), (
        "haproxy/haproxy.cfg drifted from the registry: run `python3 manage_all.py render-config`"
    )


def test_every_service_prefix_is_routed_to_its_replicas():
    config = render_haproxy()
    for svc in SERVICES:
        assert f"path_beg {' '.join(svc.prefixes)}" in config
        for i, port in enumerate(svc.ports()):
            assert f"server {svc.name}{i + 1} 127.0.0.1:{port}" in config


@pytest.mark.parametrize("offset", [0, 10000])
def test_haproxy_accepts_the_rendered_config(tmp_path, offset):
    haproxy = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    assert haproxy, "HAProxy must be installed (apt-get install haproxy) to validate the config"
    config = tmp_path / "haproxy.cfg"
    config.write_text(render_haproxy(offset, str(tmp_path)))
    result = subprocess.run([haproxy, "-c", "-f", str(config)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rate_limit_answers_429_with_the_contracts_headers(tmp_path):
    """A real HAProxy with a limit of 3 requests per 10 s: the 4th is refused as API.md says."""
    import time

    import requests

    from common.registry import GATEWAY_PORT

    haproxy = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    offset = 30000  # ports no other stack of the test run uses
    config = tmp_path / "haproxy.cfg"
    config.write_text(render_haproxy(offset, str(tmp_path), rate_limit=3))
    process = subprocess.Popen([haproxy, "-db", "-f", str(config)], stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{GATEWAY_PORT + offset}/no-such-service/"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                first = requests.get(url, timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "haproxy did not start"
                time.sleep(0.1)
        answers = [first, *(requests.get(url, timeout=2) for _ in range(3))]
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert {a.headers["RateLimit-Limit"] for a in answers} == {"3"}
    refused = answers[-1]
    assert refused.headers["Retry-After"] == "10"
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"
