"""``CatalogClient``: typed answers for reservations and availability, and the catalog's
refusals as typed errors. HTTP is faked with ``responses``; the breaker's Redis is real."""

import json
from datetime import UTC, date, datetime

import pytest
import responses

from common.clients.catalog import (
    CatalogClient,
    InsufficientStock,
    Shortfall,
    StockLine,
)
from common.errors import Conflict, NotFound, UpstreamUnavailable, ValidationFailed
from common.testing import catalog_drug_body
from tests.test_clients import fresh_breakers  # noqa: F401 - autouse: breakers start closed

BASE = "http://catalog.test/api/catalog"
HELD = {
    "id": 7,
    "reference": "ORD-1",
    "status": "held",
    "expires_at": "2026-05-01T10:15:00.123456Z",
    "min_shelf_life_days": 30,
    "buyer_org": None,
    "shipped_at": None,
    "lines": [
        {
            "drug": 3,
            "quantity": 40,
            "allocations": [
                {"lot": 11, "lot_number": "M0003A", "expiry_date": "2026-09-30", "quantity": 30},
                {"lot": 12, "lot_number": "N0003A", "expiry_date": "2027-01-31", "quantity": 10},
            ],
        }
    ],
}


def problem(status: int, code: str, **extra) -> dict:
    return {
        "type": "t",
        "title": "x",
        "status": status,
        "detail": f"{code}!",
        "code": code,
        **extra,
    }


@pytest.fixture
def client():
    return CatalogClient(base_url=BASE, token_provider=lambda: "svc-token")


@responses.activate
def test_reserve_sends_the_lines_and_key_and_returns_a_typed_reservation(client):
    responses.post(f"{BASE}/reservations/", json=HELD, status=201)
    reservation = client.reserve(
        "ORD-1", [StockLine(3, 40), (5, 1)], min_shelf_life_days=30, idempotency_key="k-1"
    )
    sent = responses.calls[0].request
    assert json.loads(sent.body) == {
        "reference": "ORD-1",
        "lines": [{"drug": 3, "quantity": 40}, {"drug": 5, "quantity": 1}],
        "min_shelf_life_days": 30,
    }
    assert sent.headers["Idempotency-Key"] == "k-1"
    assert sent.headers["Authorization"] == "Bearer svc-token"
    assert reservation.status == "held"
    assert reservation.expires_at == datetime(2026, 5, 1, 10, 15, 0, 123456, tzinfo=UTC)
    first = reservation.lines[0].allocations[0]
    assert (first.lot_number, first.expiry_date, first.quantity) == (
        "M0003A",
        date(2026, 9, 30),
        30,
    )
    with pytest.raises(AttributeError):
        reservation.status = "committed"  # frozen


@responses.activate
def test_a_hold_asked_confirmed_says_so_and_an_unconfirmed_one_too(client):
    confirmed = {**HELD, "confirmed_at": "2026-05-01T10:00:00Z"}
    responses.post(f"{BASE}/reservations/", json=confirmed, status=201)
    responses.post(f"{BASE}/reservations/", json={**HELD, "confirmed_at": None}, status=201)
    made = client.reserve("ORD-1", [(3, 40)], idempotency_key="ORD-1", confirm=True)
    assert json.loads(responses.calls[0].request.body)["confirm"] is True
    assert made.confirmed_at == datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
    assert client.reserve("ORD-2", [(3, 40)]).confirmed_at is None
    assert "confirm" not in json.loads(responses.calls[1].request.body)


@responses.activate
def test_insufficient_stock_carries_each_short_line(client):
    body = problem(409, "insufficient_stock", lines=[{"drug": 3, "requested": 40, "available": 12}])
    responses.post(f"{BASE}/reservations/", json=body, status=409)
    with pytest.raises(InsufficientStock) as raised:
        client.reserve("ORD-1", [(3, 40)])
    error = raised.value
    assert isinstance(error, Conflict)
    assert (error.status, error.code) == (409, "insufficient_stock")
    assert error.lines == (Shortfall(drug=3, requested=40, available=12),)
    assert error.extra == {"lines": [{"drug": 3, "requested": 40, "available": 12}]}


@responses.activate
@pytest.mark.parametrize(
    ("status", "body", "error_type", "code"),
    [
        (409, problem(409, "idempotency_key_reused"), Conflict, "idempotency_key_reused"),
        (
            400,
            problem(400, "unknown_drug", errors={"lines": ["no"]}),
            ValidationFailed,
            "unknown_drug",
        ),
        (404, problem(404, "not_found"), NotFound, "not_found"),
    ],
)
def test_other_refusals_keep_their_status_and_code(client, status, body, error_type, code):
    responses.post(f"{BASE}/reservations/", json=body, status=status)
    with pytest.raises(error_type) as raised:
        client.reserve("ORD-1", [(3, 1)])
    assert (raised.value.status, raised.value.code) == (status, code)
    assert not isinstance(raised.value, InsufficientStock)


@responses.activate
def test_release_returns_the_released_reservation(client):
    responses.post(f"{BASE}/reservations/7/release/", json={**HELD, "status": "released"})
    assert client.release(7).status == "released"


@responses.activate
def test_release_of_an_unknown_reservation_is_not_found(client):
    responses.post(f"{BASE}/reservations/8/release/", json=problem(404, "not_found"), status=404)
    with pytest.raises(NotFound):
        client.release(8)


@responses.activate
def test_commit_sends_shipment_details(client):
    shipped = {**HELD, "status": "committed", "buyer_org": 2, "shipped_at": "2026-05-01T10:05:00Z"}
    responses.post(f"{BASE}/reservations/7/commit/", json=shipped)
    when = datetime(2026, 5, 1, 10, 5, tzinfo=UTC)
    reservation = client.commit(7, shipped_at=when, buyer_org=2, idempotency_key="ship-7")
    sent = responses.calls[0].request
    assert json.loads(sent.body) == {"shipped_at": "2026-05-01T10:05:00+00:00", "buyer_org": 2}
    assert sent.headers["Idempotency-Key"] == "ship-7"
    assert (reservation.status, reservation.buyer_org, reservation.shipped_at) == (
        "committed",
        2,
        when,
    )


@responses.activate
def test_commit_of_a_lapsed_hold_is_a_conflict(client):
    body = problem(409, "reservation_expired")
    responses.post(f"{BASE}/reservations/7/commit/", json=body, status=409)
    with pytest.raises(Conflict) as raised:
        client.commit(7, shipped_at=datetime.now(UTC), buyer_org=2)
    assert raised.value.code == "reservation_expired"


@responses.activate
def test_availability_is_typed(client):
    body = {
        "drug": 3,
        "available": 25,
        "on_hand": 30,
        "earliest_expiry": "2026-09-30",
        "warehouses": [{"warehouse": 1, "name": "Main DC", "available": 25}],
    }
    responses.get(f"{BASE}/drugs/3/availability/", json=body)
    availability = client.availability(3)
    assert availability.earliest_expiry == date(2026, 9, 30)
    assert availability.warehouses[0].name == "Main DC"
    responses.get(
        f"{BASE}/drugs/4/availability/",
        json={"drug": 4, "available": 0, "on_hand": 0, "earliest_expiry": None, "warehouses": []},
    )
    assert client.availability(4).earliest_expiry is None


@responses.activate
def test_availability_of_an_unknown_drug(client):
    responses.get(f"{BASE}/drugs/9/availability/", json=problem(404, "not_found"), status=404)
    with pytest.raises(NotFound) as raised:
        client.availability(9)
    assert raised.value.code == "unknown_drug"


@responses.activate
def test_a_refused_service_token_is_an_upstream_fault(client):
    responses.post(f"{BASE}/reservations/", json=problem(401, "not_authenticated"), status=401)
    with pytest.raises(UpstreamUnavailable):
        client.reserve("ORD-1", [(3, 1)])


@responses.activate
def test_a_catalog_outage_is_upstream_unavailable(client):
    responses.post(f"{BASE}/reservations/", status=503)
    with pytest.raises(UpstreamUnavailable) as raised:
        client.reserve("ORD-1", [(3, 1)])
    assert raised.value.status == 503
    assert len(responses.calls) == 1  # writes are never retried


@responses.activate
def test_get_drug_still_works(client):
    # A field Drug does not know (catalog's list price) is left out, not a crash.
    drug = {**catalog_drug_body(3, ndc="0093-5558-29"), "list_price": "18.40"}
    responses.get(f"{BASE}/drugs/3/", json=drug)
    assert client.get_drug(3).ndc == "0093-5558-29"


@responses.activate
def test_confirm_keeps_the_hold(client):
    confirmed = {**HELD, "confirmed_at": "2026-05-01T10:01:00Z"}
    responses.post(f"{BASE}/reservations/7/confirm/", json=confirmed)
    assert client.confirm(7).status == "held"
    assert responses.calls[0].request.url.endswith("/reservations/7/confirm/")


@responses.activate
def test_confirming_a_lapsed_hold_is_a_conflict(client):
    responses.post(
        f"{BASE}/reservations/7/confirm/", json=problem(409, "reservation_expired"), status=409
    )
    with pytest.raises(Conflict) as raised:
        client.confirm(7)
    assert raised.value.code == "reservation_expired"


@responses.activate
@pytest.mark.parametrize("status", [401, 403, 429])
def test_a_refused_drug_lookup_is_an_upstream_fault_not_a_crash(client, status):
    responses.get(f"{BASE}/drugs/3/", json=problem(status, "permission_denied"), status=status)
    with pytest.raises(UpstreamUnavailable):
        client.get_drug(3)
