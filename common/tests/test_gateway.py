"""The committed gateway config is what the registry renders, and HAProxy accepts it; a real
HAProxy in front of tiny replicas limits rates, keeps replicas up through error answers and
retries only the reads that a dying replica dropped."""

import contextlib
import csv
import io
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from common.gateway import render_haproxy
from common.registry import GATEWAY_PORT, GATEWAY_STATS_PORT, SERVICES, service

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


# Port offsets no stack of a test run uses (dev 0, e2e 10000, check 20000), below the kernel's
# range for outgoing connections (32768 and up), where a client socket could hold a port.
FREE_OFFSETS = (21000, 22000, 23000)


def _haproxy() -> str:
    haproxy = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    assert haproxy, "HAProxy must be installed (apt-get install haproxy) to validate the config"
    return haproxy


@contextlib.contextmanager
def running_haproxy(tmp_path, offset: int, **render):
    """A real HAProxy on the rendered config, every port shifted by ``offset``; yields the
    gateway's base URL once it answers."""
    config = tmp_path / "haproxy.cfg"
    config.write_text(render_haproxy(offset, str(tmp_path), **render))
    process = subprocess.Popen([_haproxy(), "-db", "-f", str(config)], stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{GATEWAY_PORT + offset}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                requests.get(f"{base}/", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "haproxy did not start"
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("offset", [0, 10000])
def test_haproxy_accepts_the_rendered_config(tmp_path, offset):
    haproxy = _haproxy()
    config = tmp_path / "haproxy.cfg"
    config.write_text(render_haproxy(offset, str(tmp_path)))
    result = subprocess.run([haproxy, "-c", "-f", str(config)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rate_limit_answers_429_with_the_contracts_headers(tmp_path):
    """A real HAProxy with a limit of 3 requests per 10 s: the 4th is refused as API.md says."""
    with running_haproxy(tmp_path, FREE_OFFSETS[0], rate_limit=4) as base:  # probing spends one
        answers = [requests.get(f"{base}/no-such-service/", timeout=2) for _ in range(4)]
    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert {a.headers["RateLimit-Limit"] for a in answers} == {"4"}
    assert {a.headers["RateLimit-Reset"] for a in answers} == {"10"}
    refused = answers[-1]
    assert refused.headers["Retry-After"] == "10"
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"


class _Replica(BaseHTTPRequestHandler):
    """A replica that is healthy but answers every API request with an error status, and
    says which X-Forwarded-Proto reached it."""

    def do_GET(self):
        status = 200 if self.path == "/healthz" else int(self.path.rsplit("/", 2)[-2])
        self.send_response(status)
        self.send_header("Seen-Forwarded-Proto", self.headers.get("X-Forwarded-Proto", ""))
        if "/quoted/" in self.path:  # a service stating its caller's own quota
            self.send_header("RateLimit-Limit", "7")
            self.send_header("RateLimit-Remaining", "6")
            self.send_header("RateLimit-Reset", "9")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _server_states(stats_url: str, backend: str) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO(requests.get(f"{stats_url};csv", timeout=2).text[2:]))
    return {
        row["svname"]: row["status"]
        for row in rows
        if row["pxname"] == backend and row["svname"] not in ("FRONTEND", "BACKEND")
    }


def test_error_answers_never_mark_a_replica_down_and_the_client_cannot_claim_https(tmp_path):
    """Once, 20 anonymous requests answered 500 took a service off the air (HAProxy's layer-7
    observation). Now only a replica's own faults count: 60 error answers leave both up."""
    offset = FREE_OFFSETS[1]
    replicas = [
        ThreadingHTTPServer(("127.0.0.1", port), _Replica) for port in service("auth").ports(offset)
    ]
    for replica in replicas:
        threading.Thread(target=replica.serve_forever, daemon=True).start()
    stats = f"http://127.0.0.1:{GATEWAY_STATS_PORT + offset}/stats"
    try:
        with running_haproxy(tmp_path, offset) as base:
            deadline = time.monotonic() + 15
            while set(_server_states(stats, "be_auth").values()) != {"UP"}:
                assert time.monotonic() < deadline, _server_states(stats, "be_auth")
                time.sleep(0.2)
            answers = [
                requests.get(
                    f"{base}/api/auth/{status}/", headers={"X-Forwarded-Proto": "https"}, timeout=2
                )
                for status in (500, 502, 503, 400, 404, 429) * 10
            ]
            states = _server_states(stats, "be_auth")
            quoted = requests.get(f"{base}/api/auth/quoted/200/", timeout=2)
    finally:
        for replica in replicas:
            replica.shutdown()
            replica.server_close()
    assert sorted({a.status_code for a in answers}) == [400, 404, 429, 500, 502, 503]
    assert states == {"auth1": "UP", "auth2": "UP"}
    assert {a.headers["Seen-Forwarded-Proto"] for a in answers} == {"http"}
    # The address's shield speaks only where the service did not state the caller's quota.
    assert {a.headers["RateLimit-Limit"] for a in answers} == {"5000"}
    limit = [quoted.headers[f"RateLimit-{name}"] for name in ("Limit", "Remaining", "Reset")]
    assert limit == ["7", "6", "9"]


class _DroppingReplica(BaseHTTPRequestHandler):
    """A replica dying mid-request: healthy to probes, but it reads each API request and
    closes the connection without a word, as a SIGKILLed one does. Counts what reached it."""

    seen: Counter = Counter()

    def _drop(self):
        if self.path == "/healthz":
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).seen[self.command] += 1
        self.close_connection = True

    do_GET = do_POST = _drop

    def log_message(self, *args):
        pass


class _AnsweringReplica(BaseHTTPRequestHandler):
    def _answer(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200 if self.command == "GET" else 201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


def _post_whole(port: int, path: str) -> int:
    """POST a small JSON body in one write, head and body together: HAProxy then holds the
    whole request and could replay it (a client that writes the body later would not show
    whether HAProxy would). Returns the answer's status."""
    body = b"{}"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(head.encode() + body)
        status_line = sock.makefile("rb").readline()
    return int(status_line.split()[1])


def test_a_read_a_dying_replica_dropped_is_retried_and_a_post_never_replayed(tmp_path):
    """HAProxy answers a read the dropping replica swallowed from the other one; a POST that
    reached it may have done its work, so it gets the 502 and is never sent twice."""
    offset = FREE_OFFSETS[2]
    dropping_port, answering_port = service("catalog").ports(offset)
    _DroppingReplica.seen = Counter()
    replicas = [
        ThreadingHTTPServer(("127.0.0.1", dropping_port), _DroppingReplica),
        ThreadingHTTPServer(("127.0.0.1", answering_port), _AnsweringReplica),
    ]
    for replica in replicas:
        threading.Thread(target=replica.serve_forever, daemon=True).start()
    stats = f"http://127.0.0.1:{GATEWAY_STATS_PORT + offset}/stats"
    try:
        with running_haproxy(tmp_path, offset) as base:
            deadline = time.monotonic() + 15
            while set(_server_states(stats, "be_catalog").values()) != {"UP"}:
                assert time.monotonic() < deadline, _server_states(stats, "be_catalog")
                time.sleep(0.2)
            reads = [requests.get(f"{base}/api/catalog/drugs/", timeout=5) for _ in range(4)]
            writes = []
            while _DroppingReplica.seen["POST"] == 0 and len(writes) < 4:  # round robin: <= 2
                writes.append(_post_whole(GATEWAY_PORT + offset, "/api/catalog/drugs/"))
    finally:
        for replica in replicas:
            replica.shutdown()
            replica.server_close()
    assert [r.status_code for r in reads] == [200] * 4
    assert _DroppingReplica.seen["GET"] >= 1, "no read reached the dropping replica"
    assert _DroppingReplica.seen["POST"] == 1
    assert writes == [201] * (len(writes) - 1) + [502]
