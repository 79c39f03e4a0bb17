"""``PricingClient``: what orders sends to pricing, what it gets back, and how pricing's
refusals and outages arrive. HTTP is faked with ``responses``; Redis (breakers) is real."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests
import responses

from common.clients import breakers
from common.clients.pricing import PricingClient
from common.errors import Conflict, NotFound, UpstreamUnavailable, ValidationFailed
from tests.test_clients import fresh_breakers  # noqa: F401 - the same clean breakers

BASE = "http://pricing.test/api/pricing"
QUOTE = {
    "id": "5b0d8a36-5d0c-4c4e-a5a2-3f1c1c7f2a10",
    "buyer_org": 2,
    "currency": "USD",
    "lines": [
        {
            "drug": 11,
            "quantity": 10,
            "list_price": "10.0000",
            "unit_price": "7.6000",
            "line_total": "76.00",
            "applied": [
                {"source": "list", "id": 1, "description": "List price: 10 USD"},
                {"source": "contract", "id": 42, "description": "Contract 'GPO': 8 USD"},
                {"source": "rule", "id": 7, "description": "Volume: 5% off at 10+ units"},
            ],
        },
        {
            "drug": 12,
            "quantity": 1,
            "list_price": None,
            "unit_price": "0.0123",
            "line_total": "0.01",
            "applied": [{"source": "contract", "id": 43, "description": "Contract 'B'"}],
        },
        {
            "drug": 13,
            "quantity": 1,
            "list_price": "3.0000",
            "unit_price": "3.0000",
            "line_total": "3.00",
            "applied": [{"source": "list", "id": 1, "description": "List price: 3 USD"}],
        },
    ],
    "total": "79.01",
    "valid_until": "2026-01-05T10:15:00+00:00",
}


@pytest.fixture
def pricing():
    return PricingClient(base_url=BASE, token_provider=lambda: "orders-token")


def sent(call) -> dict:
    return json.loads(call.request.body)


@responses.activate
def test_a_quote_comes_back_typed_with_exact_decimals(pricing):
    responses.post(f"{BASE}/quotes/", json=QUOTE, status=201)
    quote = pricing.quote(buyer_org=2, buyer_org_type="hospital", lines=[(11, 10), (12, 1)])
    assert sent(responses.calls[0]) == {
        "buyer_org": 2,
        "buyer_org_type": "hospital",
        "lines": [{"drug": 11, "quantity": 10}, {"drug": 12, "quantity": 1}],
    }
    assert responses.calls[0].request.headers["Authorization"] == "Bearer orders-token"
    assert quote.id == QUOTE["id"]
    assert quote.total == Decimal("79.01")
    assert quote.valid_until == datetime(2026, 1, 5, 10, 15, tzinfo=UTC)
    first, second, third = quote.lines
    assert (first.unit_price, first.line_total, first.list_price) == (
        Decimal("7.6000"),
        Decimal("76.00"),
        Decimal("10.0000"),
    )
    assert [step.source for step in first.applied] == ["list", "contract", "rule"]
    assert (first.contract_id, second.contract_id, third.contract_id) == (42, 43, None)
    assert second.list_price is None


@responses.activate
def test_lines_may_be_objects_with_drug_and_quantity(pricing):
    class Line:
        drug, quantity = 11, 3

    responses.post(f"{BASE}/quotes/", json=QUOTE, status=201)
    pricing.quote(None, [Line()], buyer_org_type="patient")
    assert sent(responses.calls[0]) == {
        "buyer_org": None,
        "buyer_org_type": "patient",
        "lines": [{"drug": 11, "quantity": 3}],
    }


@responses.activate
def test_no_price_is_a_validation_failure_with_pricings_code_and_details(pricing):
    responses.post(
        f"{BASE}/quotes/",
        status=400,
        content_type="application/problem+json",
        json={
            "type": "https://pharmaconnect.example/problems/no_price",
            "title": "Bad Request",
            "status": 400,
            "detail": "No price in force for drug(s): [99].",
            "code": "no_price",
            "drugs": [99],
            "errors": {"lines": ["Drug 99 has no price."]},
        },
    )
    with pytest.raises(ValidationFailed) as refused:
        pricing.quote(2, [(99, 1)])
    assert refused.value.code == "no_price"
    assert refused.value.status == 400
    assert refused.value.detail == "No price in force for drug(s): [99]."
    assert refused.value.extra == {"drugs": [99], "errors": {"lines": ["Drug 99 has no price."]}}
    assert breakers.breaker_for("pricing").current_state == "closed"


@pytest.mark.parametrize(
    ("status", "error", "code"),
    [
        (404, NotFound, "not_found"),
        (409, Conflict, "shipment_conflict"),
    ],
)
@responses.activate
def test_other_refusals_keep_their_type_and_code(pricing, status, error, code):
    responses.post(f"{BASE}/quotes/", status=status, json={"detail": "no", "code": code})
    with pytest.raises(error) as refused:
        pricing.quote(2, [(1, 1)])
    assert (refused.value.code, refused.value.status) == (code, status)


@pytest.mark.parametrize("status", [401, 403, 429])
@responses.activate
def test_a_refused_token_or_rate_limit_is_an_outage_for_the_caller(pricing, status):
    responses.post(f"{BASE}/quotes/", status=status, body="<html>nope</html>")
    with pytest.raises(UpstreamUnavailable) as outage:
        pricing.quote(2, [(1, 1)])
    assert outage.value.status == 503
    assert str(status) in outage.value.detail


@responses.activate
def test_pricing_down_is_upstream_unavailable_and_opens_the_breaker(pricing):
    responses.post(f"{BASE}/quotes/", body=requests.ConnectionError("refused"))
    for _ in range(breakers.FAIL_MAX):
        with pytest.raises(UpstreamUnavailable):
            pricing.quote(2, [(1, 1)])
    with pytest.raises(UpstreamUnavailable, match="circuit open"):
        pricing.quote(2, [(1, 1)])
    assert len(responses.calls) == breakers.FAIL_MAX


@responses.activate
def test_a_stored_quote_can_be_read_back(pricing):
    responses.get(f"{BASE}/quotes/{QUOTE['id']}/", json=QUOTE)
    assert pricing.get_quote(QUOTE["id"]).total == Decimal("79.01")
    responses.get(f"{BASE}/quotes/missing/", status=404, json={"code": "not_found"})
    with pytest.raises(NotFound):
        pricing.get_quote("missing")


RECORDED = {
    "id": 5,
    "order_ref": "ORD-1",
    "buyer_org": 2,
    "drug": 11,
    "quantity": 3,
    "unit_price": "7.3333",
    "currency": "USD",
    "contract_id": 42,
    "shipped_at": "2026-01-05T10:00:00Z",
    "recorded_at": "2026-01-05T10:00:01Z",
    "chargeback": {"id": 9, "amount": "8.00", "status": "open"},
}


def report(pricing, **overrides):
    shipment = {
        "order_ref": "ORD-1",
        "buyer_org": 2,
        "drug": 11,
        "quantity": 3,
        "unit_price": Decimal("7.3333"),
        "shipped_at": datetime(2026, 1, 5, 10, tzinfo=UTC),
        "contract_id": "42",
    }
    return pricing.report_shipment(**{**shipment, **overrides})


@responses.activate
def test_a_shipment_is_reported_as_pricing_expects_it(pricing):
    responses.post(f"{BASE}/chargebacks/events/", json=RECORDED, status=201)
    recorded = report(pricing)
    assert sent(responses.calls[0]) == {
        "order_ref": "ORD-1",
        "buyer_org": 2,
        "drug": 11,
        "quantity": 3,
        "unit_price": "7.3333",
        "currency": "USD",
        "shipped_at": "2026-01-05T10:00:00+00:00",
        "contract_id": 42,
    }
    assert (recorded.created, recorded.chargeback_id, recorded.chargeback_amount) == (
        True,
        9,
        Decimal("8.00"),
    )


@responses.activate
def test_a_repeated_report_is_recognised(pricing):
    responses.post(f"{BASE}/chargebacks/events/", json={**RECORDED, "chargeback": None}, status=200)
    recorded = report(
        pricing, unit_price="7.3333", shipped_at="2026-01-05T10:00:00+00:00", contract_id=""
    )
    assert sent(responses.calls[0])["contract_id"] is None
    assert (recorded.created, recorded.chargeback_id, recorded.chargeback_amount) == (
        False,
        None,
        None,
    )


@responses.activate
def test_a_conflicting_report_is_a_conflict_and_never_retried(pricing):
    responses.post(f"{BASE}/chargebacks/events/", status=409, json={"code": "shipment_conflict"})
    with pytest.raises(Conflict) as refused:
        report(pricing, quantity=4)
    assert refused.value.code == "shipment_conflict"
    assert len(responses.calls) == 1
