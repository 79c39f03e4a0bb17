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
