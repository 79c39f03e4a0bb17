"""Webhooks out, against a real HTTP receiver on 127.0.0.1 that checks every request with the
``standardwebhooks`` library, as a partner would, and keeps what it accepted by event id."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from common.testing import integration_token
from webhooks.dispatch import deliveries_send
from webhooks.models import Delivery, Endpoint, Event, RecallCursor
from webhooks.recalls import recalls_pull

ORDERS, ENDPOINTS = "/api/orders/", "/api/orders/webhooks/endpoints/"
SERVICE_DIR = Path(__file__).parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Receiver:
    """A partner's endpoint: verifies each request with its secret, 204 if good, else 400;
    ``delay`` holds the first request that long (a slow partner)."""

    def __init__(self, port: int, secret: str = "", delay: float = 0):
        self.port, self.secret, self.delay = port, secret, delay
        self.accepted: dict[str, dict] = {}
        self.refused: list[str] = []
        self.raw: list[tuple[str, dict]] = []
        self.requests = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.requests += 1
                receiver.raw.append((body, dict(self.headers)))
                if receiver.delay and receiver.requests == 1:
                    time.sleep(receiver.delay)
                try:
                    payload = Webhook(receiver.secret).verify(body, dict(self.headers))
                except WebhookVerificationError as exc:
                    receiver.refused.append(str(exc))
                    self.send_response(400)
                else:
                    receiver.accepted[self.headers["webhook-id"]] = payload
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def loopback_allowed(settings, upstream):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    upstream.mock.add_passthru("http://127.0.0.1")


@pytest.fixture
def receiver():
    started = Receiver(free_port())
    yield started
    started.stop()


def register(client, url, events=("order.confirmed", "order.shipped")):
    answer = client.post(ENDPOINTS, {"url": url, "events": list(events)}, format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()


def place(hospital, upstream, quantity=4):
    upstream.drug(1)
    upstream.prices({1: "2.0000"})
    upstream.stock()
    upstream.chargebacks()
    body = hospital.post(ORDERS, {"lines": [{"drug": 1, "quantity": quantity}]}, format="json")
    assert body.json()["status"] == "confirmed", body.content
    return body.json()


@pytest.mark.django_db
def test_an_order_confirmed_reaches_the_buyers_endpoint_signed(hospital, upstream, receiver):
    endpoint = register(hospital, receiver.url)
    assert endpoint["secret"].startswith("whsec_")
    receiver.secret = endpoint["secret"]
    order = place(hospital, upstream)
    event = Event.objects.get()  # written with the confirmation, nothing sent yet
    assert event.type == "order.confirmed" and receiver.requests == 0
    assert deliveries_send() == 1
    payload = receiver.accepted[event.id]
    assert payload["type"] == "order.confirmed" and payload["id"] == event.id
    assert payload["data"]["order"]["number"] == order["number"]
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED
    assert deliveries_send() == 0  # once


@pytest.mark.django_db
def test_an_event_goes_to_the_active_endpoints_of_buyer_and_seller_that_chose_it(
    hospital, upstream, settings
):
    def endpoint(organization: int, name: str, events=("order.confirmed",), active=True):
        Endpoint.objects.create(
            organization=organization,
            url=f"http://127.0.0.1:9/{name}",
            events=list(events),
            active=active,
            secret="whsec_x",
            created_by="user:31",
        )

    buyer, seller = 2, settings.ORDERS_SELLER_ORG
    endpoint(buyer, "buyer")
    endpoint(buyer, "buyer-shipments-only", events=("order.shipped",))
    endpoint(buyer, "buyer-switched-off", active=False)
    endpoint(seller, "seller")
    endpoint(seller + buyer + 100, "someone-else")
    place(hospital, upstream)
    delivered_to = {delivery.endpoint.url for delivery in Delivery.objects.all()}
    assert delivered_to == {"http://127.0.0.1:9/buyer", "http://127.0.0.1:9/seller"}


@pytest.mark.django_db
def test_a_receiver_that_is_down_gets_the_event_later(hospital, upstream):
    port = free_port()
    endpoint = register(hospital, f"http://127.0.0.1:{port}/hooks")
    place(hospital, upstream)
    assert deliveries_send() == 0
    delivery = Delivery.objects.get()
    assert (delivery.attempts, delivery.status) == (1, "pending")
    assert delivery.last_error == "ConnectionError"
    later = delivery.next_attempt_at
    assert timedelta(seconds=29) < later - delivery.last_attempt_at <= timedelta(seconds=30)
    receiver = Receiver(port, endpoint["secret"])
    try:
        assert deliveries_send() == 0  # not due yet
        assert deliveries_send(now=later + timedelta(seconds=1)) == 1
        assert list(receiver.accepted) == [delivery.event_id]
    finally:
        receiver.stop()


@pytest.mark.django_db
def test_a_replayed_timestamp_outside_the_tolerance_is_refused(hospital, upstream, receiver):
    receiver.secret = register(hospital, receiver.url)["secret"]
    place(hospital, upstream)
    # What an attacker replays: a request signed six minutes ago (the library's tolerance is
    # five). The signature itself is right; only its age gives it away.
    stale = timezone.now() - timedelta(minutes=6)
    Delivery.objects.update(window_started_at=stale, next_attempt_at=stale)
    assert deliveries_send(now=stale) == 0
    assert receiver.refused == ["Message timestamp too old"] and not receiver.accepted
    assert Delivery.objects.get().last_status_code == 400
    assert deliveries_send(now=timezone.now() + timedelta(minutes=1)) == 1


@pytest.mark.django_db
def test_backoff_doubles_then_dead_letters_after_24_hours_and_replay_delivers(
    hospital, upstream, admin
):
    port = free_port()
    endpoint = register(hospital, f"http://127.0.0.1:{port}/hooks")
    place(hospital, upstream)
    start = Delivery.objects.get().window_started_at
    gaps, now = [], start
    while Delivery.objects.get().status == "pending":
        deliveries_send(now=now)
        delivery = Delivery.objects.get()
        gaps.append((delivery.next_attempt_at - now).total_seconds())
        now = delivery.next_attempt_at
    assert gaps[:4] == [30, 60, 120, 240] and max(gaps) == 3600
    assert delivery.status == "dead" and now - start > timedelta(hours=23)
    assert delivery.last_attempt_at - start <= timedelta(hours=24)
    dead_receiver = Receiver(port, endpoint["secret"])
    try:
        listed = admin.get("/admin/orders/webhooks/deadletter/")
        assert listed.status_code == 200 and delivery.event_id in listed.content.decode()
        answer = admin.post(
            "/admin/orders/webhooks/deadletter/",
            {"action": "replay", "_selected_action": [delivery.pk]},
        )
        assert answer.status_code == 302
        assert Delivery.objects.get().status == "pending"
        assert deliveries_send() == 1
        assert list(dead_receiver.accepted) == [delivery.event_id]
    finally:
        dead_receiver.stop()


@pytest.fixture
def admin(client):
    user = get_user_model().objects.create(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_no_event_is_lost_when_the_sender_dies_mid_delivery(hospital, upstream):
    port = free_port()
    receiver = Receiver(port, delay=4)
    receiver.secret = register(hospital, receiver.url, events=["order.confirmed"])["secret"]
    for _ in range(3):
        place(hospital, upstream, quantity=1)
    events = set(Event.objects.values_list("id", flat=True))
    assert len(events) == 3
    name = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}",
        "WEBHOOK_ALLOW_PRIVATE_URLS": "1",
        "GATEWAY_URL": "http://127.0.0.1:9",  # catalog unreachable: the feed is skipped
    }
    command = [sys.executable, "manage.py", "dispatch_webhooks"]
    try:
        sender = subprocess.Popen(command, cwd=SERVICE_DIR, env=env, stdout=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while receiver.requests == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert receiver.requests == 1  # the first delivery is on the wire, held by the receiver
        sender.send_signal(signal.SIGKILL)
        sender.wait(timeout=10)
        assert Delivery.objects.filter(status="delivered").count() == 0
        receiver.delay = 0
        rerun = subprocess.run(command, cwd=SERVICE_DIR, env=env, capture_output=True, timeout=60)
        assert rerun.returncode == 0, rerun.stderr
        assert set(receiver.accepted) == events
        assert Delivery.objects.filter(status="delivered").count() == 3
    finally:
        receiver.stop()


def recall_feed(upstream, order, recall_id=41, after=0):
    shipment = {
        "lot": 901,
        "lot_number": "L1",
        "expiry_date": "2028-01-31",
        "drug": 1,
        "gtin": "00312345678906",
        "warehouse": 10,
        "warehouse_name": "Main DC",
        "seller_org": 1,
        "quantity": 4,
        "buyer_org": 2,
        "order_ref": order["number"],
        "shipped_at": "2026-11-01T10:00:00+00:00",
        "serials": ["S1"],
    }
    upstream.recall(lot=901, shipments=[shipment], recall_id=recall_id, after=after)


@pytest.mark.django_db
def test_a_recall_reaches_the_buyer_whose_shipment_carried_the_lot(hospital, upstream, receiver):
    receiver.secret = register(hospital, receiver.url, events=["recall.notice"])["secret"]
    order = place(hospital, upstream)
    recall_feed(upstream, order)
    assert recalls_pull() == 1
    assert RecallCursor.objects.get().after == 41
    RecallCursor.objects.update(after=0)  # as if the run died after recording
    assert recalls_pull() == 0  # the same notice is not recorded twice
    assert deliveries_send() == 1
    (payload,) = receiver.accepted.values()
    assert payload["type"] == "recall.notice"
    data = payload["data"]
    assert data["order"]["number"] == order["number"] and data["quantity"] == 4
    assert data["recall"]["lot_number"] == "L1" and data["serials"] == ["S1"]


@pytest.mark.django_db
def test_after_a_rotation_both_secrets_verify_until_the_overlap_ends(hospital, upstream, receiver):
    endpoint = register(hospital, receiver.url, events=["order.confirmed", "order.cancelled"])
    rotated = hospital.post(f"{ENDPOINTS}{endpoint['id']}/rotate-secret/").json()
    assert rotated["secret"] != endpoint["secret"]
    order = place(hospital, upstream)
    receiver.secret = endpoint["secret"]  # the partner has not switched yet
    assert deliveries_send() == 1
    body, headers = receiver.raw[-1]
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(rotated["secret"]).verify(body, headers)  # the new secret verifies it too
    Endpoint.objects.update(previous_secret_until=timezone.now())  # the overlap is over
    cancel = hospital.post(f"{ORDERS}{order['id']}/cancel/", {"reason": "x"}, format="json")
    assert cancel.status_code == 200
    assert deliveries_send() == 0
    assert receiver.refused == ["No matching signature found"]
    receiver.secret = rotated["secret"]
    Delivery.objects.filter(status="pending").update(next_attempt_at=timezone.now())
    assert deliveries_send() == 1
    assert {p["type"] for p in receiver.accepted.values()} == {"order.confirmed", "order.cancelled"}


@pytest.mark.django_db
def test_registration_is_per_organization_and_takes_the_webhooks_scope(
    api_client, hospital, receiver
):
    endpoint = register(hospital, receiver.url)
    erp = api_client(integration_token(role="hospital", org=2, scope="webhooks"))
    assert [e["id"] for e in erp.get(ENDPOINTS).json()["results"]] == [endpoint["id"]]
    rival = api_client(integration_token(role="hospital", org=3, scope="webhooks"))
    assert rival.get(f"{ENDPOINTS}{endpoint['id']}/").status_code == 404
    assert rival.get(ENDPOINTS).json()["results"] == []
    reader = api_client(integration_token(role="hospital", org=2, scope="orders:read"))
    refused = reader.get(ENDPOINTS)
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    bad = hospital.post(ENDPOINTS, {"url": receiver.url, "events": ["order.lost"]}, format="json")
    assert bad.status_code == 400


@pytest.mark.django_db
def test_private_addresses_are_refused_unless_allowed(settings, hospital):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    for url in ("https://127.0.0.1/hooks", "https://localhost/x", "http://example.com/x"):
        answer = hospital.post(ENDPOINTS, {"url": url, "events": ["order.shipped"]}, format="json")
        assert answer.status_code == 400 and answer.json()["code"] == "invalid_webhook_url"
