"""``RxClient``: consume and revert a prescription fill, with rx's refusals as typed errors.
HTTP is faked with ``responses``; Redis (breaker state) is real."""

from datetime import UTC, datetime

import pytest
import responses

from common.clients import breakers
from common.clients.rx import FillRevert, PrescriptionFill, RxClient
from common.errors import Conflict, NotFound, UpstreamUnavailable, ValidationFailed
from common.redis import get_redis

BASE = "http://rx.test/api/rx"
CONSUME = f"{BASE}/prescriptions/7/consume/"
FILL = {
    "prescription": 7,
    "order_ref": "ORD-1",
    "drug": 12,
    "quantity": 2,
    "consumed_at": "2026-11-24T10:00:00Z",
    "reverted_at": None,
    "fills_remaining": 1,
    "status": "verified",
}


@pytest.fixture(autouse=True)
def fresh_breakers():
    def reset():
        breakers.breakers_forget()
        for key in get_redis().scan_iter("*pharma:breaker:commontest:rx*"):
            get_redis().delete(key)

    reset()
    yield
    reset()


@pytest.fixture
def rx():
    return RxClient(base_url=BASE, token_provider=lambda: "orders-token")


def problem(status: int, code: str) -> dict:
    return {"type": "about:blank", "title": "x", "status": status, "detail": code, "code": code}


@responses.activate
def test_consume_sends_the_order_and_returns_the_fill(rx):
    responses.post(CONSUME, json=FILL, status=201)
    fill = rx.consume(7, "ORD-1", drug=12, quantity=2)
    assert fill == PrescriptionFill(
        prescription=7,
        order_ref="ORD-1",
        drug=12,
        quantity=2,
        consumed_at=datetime(2026, 11, 24, 10, tzinfo=UTC),
        fills_remaining=1,
        status="verified",
        replayed=False,
    )
    sent = responses.calls[0].request
    assert sent.headers["Authorization"] == "Bearer orders-token"
    assert sent.body == b'{"order_ref": "ORD-1", "drug": 12, "quantity": 2}'


@responses.activate
def test_the_ordering_patient_is_sent_when_given(rx):
    responses.post(CONSUME, json=FILL, status=201)
    rx.consume(7, "ORD-1", drug=12, quantity=2, patient=42)
    assert b'"patient": "42"' in responses.calls[0].request.body


@responses.activate
def test_a_repeat_answered_from_the_first_consume_is_marked_replayed(rx):
    responses.post(CONSUME, json=FILL, status=200)
    assert rx.consume(7, "ORD-1", drug=12, quantity=2).replayed is True


@pytest.mark.parametrize(
    "code", ["prescription_used_up", "prescription_not_verified", "prescription_expired"]
)
@responses.activate
def test_refusals_are_conflicts_with_rx_codes(rx, code):
    responses.post(CONSUME, json=problem(409, code), status=409)
    with pytest.raises(Conflict) as raised:
        rx.consume(7, "ORD-1", drug=12, quantity=2)
    assert (raised.value.status, raised.value.code) == (409, code)


@responses.activate
def test_an_unknown_prescription_is_not_found(rx):
    responses.post(CONSUME, json=problem(404, "prescription_not_found"), status=404)
    with pytest.raises(NotFound) as raised:
        rx.consume(7, "ORD-1", drug=12, quantity=2)
    assert raised.value.code == "prescription_not_found"


@responses.activate
def test_a_malformed_request_is_a_validation_error(rx):
    body = {**problem(400, "invalid"), "errors": {"order_ref": ["bad"]}}
    responses.post(CONSUME, json=body, status=400)
    with pytest.raises(ValidationFailed) as raised:
        rx.consume(7, "bad ref", drug=12, quantity=2)
    assert raised.value.extra["errors"] == {"order_ref": ["bad"]}


@pytest.mark.parametrize("status", [401, 403, 500, 503])
@responses.activate
def test_refused_credentials_and_server_errors_are_upstream_unavailable(rx, status):
    responses.post(CONSUME, json=problem(status, "x"), status=status)
    with pytest.raises(UpstreamUnavailable) as raised:
        rx.consume(7, "ORD-1", drug=12, quantity=2)
    assert raised.value.status == 503


@responses.activate
def test_consume_is_never_retried_by_the_client(rx):
    responses.post(CONSUME, status=503)
    with pytest.raises(UpstreamUnavailable):
        rx.consume(7, "ORD-1", drug=12, quantity=2)
    assert len(responses.calls) == 1


@responses.activate
def test_revert_gives_the_fill_back(rx):
    url = f"{BASE}/prescriptions/7/consume/ORD%3A1/revert/"
    body = {
        **FILL,
        "order_ref": "ORD:1",
        "reverted_at": "2026-11-24T11:00:00Z",
        "fills_remaining": 2,
        "fill_returned": True,
    }
    responses.post(url, json=body)
    assert rx.revert(7, "ORD:1") == FillRevert(
        prescription=7,
        order_ref="ORD:1",
        reverted_at=datetime(2026, 11, 24, 11, tzinfo=UTC),
        fills_remaining=2,
        status="verified",
        fill_returned=True,
    )
