"""``ServiceClient``: timeouts, headers, retries and a circuit breaker whose state lives in
Redis. HTTP is faked with ``responses``; Redis is real."""

import contextlib
import http.server
import threading
import time

import pytest
import requests
import responses
from responses import registries

from common.clients import breakers
from common.clients.base import ServiceClient
from common.errors import UpstreamUnavailable
from common.logging import request_id_var
from common.redis import get_redis

BASE = "http://catalog.test/api/catalog"


class CatalogTestClient(ServiceClient):
    upstream = "catalog"


@pytest.fixture(autouse=True)
def fresh_breakers():
    def reset():
        breakers.breakers_forget()
        for key in get_redis().scan_iter("*pharma:breaker:commontest:*"):
            get_redis().delete(key)

    reset()
    yield
    reset()


@pytest.fixture
def client():
    return CatalogTestClient(base_url=BASE, token_provider=lambda: "service-token")


@responses.activate
def test_calls_carry_request_id_service_token_and_idempotency_key(client):
    responses.post(f"{BASE}/reservations/", json={"id": 1}, status=201)
    token = request_id_var.set("req-abc")
    try:
        response = client.request("POST", "reservations/", json={"a": 1}, idempotency_key="k1")
    finally:
        request_id_var.reset(token)
    assert response.status_code == 201
    sent = responses.calls[0].request.headers
    assert sent["X-Request-ID"] == "req-abc"
    assert sent["Authorization"] == "Bearer service-token"
    assert sent["Idempotency-Key"] == "k1"


@responses.activate
def test_4xx_answers_are_returned_and_never_open_the_breaker(client):
    responses.get(f"{BASE}/drugs/9/", json={"code": "not_found"}, status=404)
    for _ in range(breakers.FAIL_MAX * 2):
        assert client.request("GET", "drugs/9/").status_code == 404
    assert breakers.breaker_for("catalog").current_state == "closed"


@responses.activate
def test_repeated_5xx_open_the_breaker_which_then_answers_fast(client):
    responses.post(f"{BASE}/reservations/", status=500)
    for _ in range(breakers.FAIL_MAX):
        with pytest.raises(UpstreamUnavailable):
            client.request("POST", "reservations/")
    calls_when_opened = len(responses.calls)
    started = time.perf_counter()
    with pytest.raises(UpstreamUnavailable, match="circuit open") as raised:
        client.request("POST", "reservations/")
    assert time.perf_counter() - started < 0.05
    assert len(responses.calls) == calls_when_opened  # the upstream was not called
    assert raised.value.status == 503
    assert raised.value.headers["Retry-After"]


@responses.activate
def test_a_healthy_call_asks_redis_once_and_a_success_still_clears_failures(client, monkeypatch):
    answers = [200] * 4 + [503] * (breakers.FAIL_MAX - 1) + [200] + [503] * (breakers.FAIL_MAX - 1)
    responses.add_callback(
        responses.POST, f"{BASE}/reservations/", callback=lambda request: (answers.pop(0), {}, "{}")
    )
    client.request("POST", "reservations/")  # the breaker is built (its keys set up) on first use
    shared = breakers.breaker_for("catalog")._state_storage._redis
    commands = []
    real = shared.execute_command

    def counted(*args, **options):
        commands.append(args[0])
        return real(*args, **options)

    monkeypatch.setattr(shared, "execute_command", counted)
    for _ in range(3):
        client.request("POST", "reservations/")
    assert commands == ["MGET"] * 3
    monkeypatch.undo()
    while answers:  # failures one short of opening, a success, as many failures again
        with contextlib.suppress(UpstreamUnavailable):
            client.request("POST", "reservations/")  # never retried
    assert breakers.breaker_for("catalog").current_state == "closed"


@responses.activate
def test_breaker_state_is_shared_through_redis(client):
    responses.post(f"{BASE}/reservations/", status=503)
    for _ in range(breakers.FAIL_MAX):
        with pytest.raises(UpstreamUnavailable):
            client.request("POST", "reservations/")
    breakers.breakers_forget()  # as if another replica built its own breaker
    with pytest.raises(UpstreamUnavailable, match="circuit open"):
        CatalogTestClient(base_url=BASE).request("POST", "reservations/")
    assert len(responses.calls) == breakers.FAIL_MAX


@responses.activate
def test_timeouts_become_upstream_unavailable(client):
    responses.get(f"{BASE}/drugs/1/", body=requests.ReadTimeout("slow"))
    with pytest.raises(UpstreamUnavailable, match="timed out"):
        client.request("GET", "drugs/1/")


@responses.activate(registry=registries.OrderedRegistry)
def test_reads_are_retried_once_the_upstream_recovers(client):
    responses.get(f"{BASE}/drugs/1/", status=503)
    responses.get(f"{BASE}/drugs/1/", json={"id": 1}, status=200)
    assert client.request("GET", "drugs/1/").json() == {"id": 1}
    assert len(responses.calls) == 2


@responses.activate(registry=registries.OrderedRegistry)
def test_writes_are_never_retried(client):
    responses.post(f"{BASE}/reservations/", status=503)
    responses.post(f"{BASE}/reservations/", json={"id": 1}, status=201)
    with pytest.raises(UpstreamUnavailable):
        client.request("POST", "reservations/")
    assert len(responses.calls) == 1


@responses.activate
def test_breakers_still_work_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    get_redis.cache_clear()
    try:
        responses.get(f"{BASE}/drugs/1/", json={"id": 1})
        assert client.request("GET", "drugs/1/").status_code == 200
    finally:
        get_redis.cache_clear()


class _Healthy(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_calls_between_services_take_no_proxy_and_the_ca_bundle_named_at_start(monkeypatch):
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens: proxied, it fails
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Healthy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = CatalogTestClient(base_url=f"http://127.0.0.1:{server.server_port}/api/catalog")
        assert client.request("GET", "health/").json() == {"ok": True}
    finally:
        server.shutdown()
        server.server_close()
    assert client.session.verify == "/etc/ssl/certs/ca-certificates.crt"
