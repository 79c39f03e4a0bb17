"""Placing orders: the saga's happy path, every refusal, and what is left afterwards."""

import json

import pytest

from orders.models import ConsumedFill, Order
from tests.upstream import CATALOG, DEA_ALL

pytestmark = pytest.mark.django_db
ORDERS = "/api/orders/"


def place(client, lines, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": extra.pop("key")} if "key" in extra else {}
    return client.post(ORDERS, {"lines": lines, **extra}, format="json", **headers)


def test_a_hospital_order_is_priced_reserved_and_confirmed(hospital, upstream):
    upstream.drug(1)
    upstream.drug(2)
    upstream.prices({1: "2.5000", 2: "10.0000"})
    upstream.stock()
    response = place(
        hospital, [{"drug": 1, "quantity": 3}, {"drug": 2, "quantity": 1}], min_shelf_life_days=30
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "confirmed" and body["price_source"] == "live"
    assert body["number"] == f"PC-{body['id']:08d}"  # computed as the order was inserted
    assert body["total"] == "17.5000"
    assert [line["line_total"] for line in body["lines"]] == ["7.5000", "10.0000"]
    assert body["lines"][0]["allocations"] == [
        {"lot": 901, "lot_number": "L1", "expiry_date": "2028-01-31", "quantity": 3}
    ]
    (reserve,) = upstream.calls("/reservations/", "POST")  # held confirmed, in one call
    assert json.loads(reserve.request.body)["confirm"] is True
    assert reserve.request.headers["Idempotency-Key"] == body["number"]
    assert reserve.request.headers["Authorization"] == "Bearer svc-token"
    assert not upstream.calls("/organizations/")  # no scheduled drug: no licence lookup
    order = Order.objects.get(pk=body["id"])
    assert [(e.from_status, e.to_status) for e in order.events.all()] == [
        ("", "pending"),
        ("pending", "confirmed"),
    ]


@pytest.mark.parametrize(
    ("licences", "code"),
    [
        ([], "license_missing"),
        ([{**DEA_ALL, "expires_on": "2020-01-01"}], "license_expired"),
        ([{**DEA_ALL, "schedules": ["CIII", "CIV"]}], "schedule_not_licensed"),
        (
            [{"kind": "state", "number": "S1", "schedules": [], "expires_on": "2099-01-01"}],
            "license_missing",
        ),
    ],
)
def test_a_scheduled_drug_needs_a_valid_covering_licence(hospital, upstream, licences, code):
    upstream.drug(5, schedule="CII")
    upstream.organization(2, *licences)
    response = place(hospital, [{"drug": 5, "quantity": 1}])
    assert response.status_code == 403
    assert response.json()["code"] == code
    order = Order.objects.get()
    assert (order.status, order.reason_code) == ("rejected", code)
    assert response.json()["order"]["id"] == order.pk
    assert not upstream.calls("/reservations/") and not upstream.calls("/quotes/")


def test_a_valid_licence_lets_the_order_through(hospital, upstream):
    upstream.drug(5, schedule="CII")
    upstream.organization(2, DEA_ALL)
    upstream.prices({5: "40.0000"})
    upstream.stock()
    assert place(hospital, [{"drug": 5, "quantity": 2}]).json()["status"] == "confirmed"


def test_insufficient_stock_rejects_with_the_shortfall_and_holds_nothing(hospital, upstream):
    upstream.drug(1)
    upstream.prices({1: "1.0000"})
    upstream.short({"drug": 1, "requested": 50, "available": 20})
    response = place(hospital, [{"drug": 1, "quantity": 50}])
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert response.json()["lines"] == [{"drug": 1, "requested": 50, "available": 20}]
    order = Order.objects.get()
    assert order.status == "rejected"
    assert order.lines.get().name == "Drug 1"  # what was refused, as catalog described it
    assert not upstream.calls("/release/")  # nothing was held


def test_backorder_confirms_what_there_is(hospital, upstream):
    upstream.drug(1)
    upstream.drug(2)
    upstream.prices({1: "1.0000", 2: "3.0000"})
    upstream.short({"drug": 1, "requested": 50, "available": 20})
    upstream.stock()
    body = place(
        hospital, [{"drug": 1, "quantity": 50}, {"drug": 2, "quantity": 5}], allow_backorder=True
    ).json()
    assert body["status"] == "confirmed"
    assert [(li["quantity"], li["backordered_quantity"]) for li in body["lines"]] == [
        (20, 30),
        (5, 0),
    ]
    assert body["total"] == "35.0000"
    _, second = (json.loads(call.request.body)["lines"] for call in upstream.calls("/quotes/"))
    assert second == [{"drug": 1, "quantity": 20}, {"drug": 2, "quantity": 5}]  # what ships
    # The partial hold is made unconfirmed (reconcile could not ask for it again) and is
    # confirmed once the order is priced for it.
    holds = upstream.calls(f"{CATALOG}/reservations/", "POST")
    full, partial = (json.loads(c.request.body) for c in holds if c.request.body)
    assert (full.get("confirm"), partial.get("confirm")) == (True, None)
    (confirm,) = upstream.calls("/confirm/")
    assert Order.objects.get().reservation_id in confirm.request.url


def test_once_its_drugs_are_known_an_order_costs_catalog_one_call(
    hospital, upstream, django_assert_max_num_queries
):
    upstream.drug(1)
    upstream.drug(2)
    upstream.prices({1: "1.0000", 2: "3.0000"})
    upstream.stock()
    lines = [{"drug": 1, "quantity": 1}, {"drug": 2, "quantity": 2}]
    assert place(hospital, lines).status_code == 201
    before = len(upstream.calls("/api/catalog/"))
    # Two transactions: the pending order (order, lines, event), then the confirmation (the
    # hold and the status, each locked and set; an UPDATE per line; the event; the webhook
    # subscribers). In a test their BEGIN and COMMIT are a SAVEPOINT and its RELEASE.
    with django_assert_max_num_queries(13 + len(lines)):
        assert place(hospital, lines, key="second").json()["status"] == "confirmed"
    (call,) = upstream.calls("/api/catalog/")[before:]
    assert (call.request.method, call.request.url) == ("POST", f"{CATALOG}/reservations/")


def test_line_totals_are_the_quotes_not_re_rounded_from_the_unit_price(hospital, upstream):
    # Pricing rounds the line from its exact unit price (0.12345 x 10 = 1.2345 -> 1.23); the
    # unit price it shows is rounded to 0.1235, and 0.1235 x 10 would round to 1.24.
    upstream.drug(1)
    upstream.drug(2)
    upstream.prices({1: "0.1235", 2: "1.0000"}, line_totals={1: "1.23"}, currency="EUR")
    upstream.stock()
    body = place(hospital, [{"drug": 1, "quantity": 10}, {"drug": 2, "quantity": 2}]).json()
    assert [line["line_total"] for line in body["lines"]] == ["1.2300", "2.0000"]
    assert body["total"] == "3.2300"
    assert body["currency"] == "EUR"  # the quote's, on the order and in its answers
    assert hospital.get(f"{ORDERS}{body['id']}/").json()["currency"] == "EUR"


def test_a_patient_order_consumes_the_prescription(patient, upstream):
    upstream.drug(3, rx_only=True)
    upstream.prices({3: "12.0000"})
    upstream.fills()
    upstream.stock()
    response = place(patient, [{"drug": 3, "quantity": 30, "prescription": 44}])
    assert response.status_code == 201
    assert response.json()["channel"] == "b2c" and response.json()["buyer_org"] is None
    (consume,) = upstream.calls("/consume/")
    assert b'"patient": "7"' in consume.request.body
    assert ConsumedFill.objects.get().prescription == 44


def test_an_rx_line_without_a_prescription_is_refused(patient, upstream):
    upstream.drug(3, rx_only=True)
    response = place(patient, [{"drug": 3, "quantity": 30}])
    assert response.status_code == 400
    assert response.json()["code"] == "prescription_required"


@pytest.mark.parametrize(
    "code", ["prescription_not_verified", "prescription_used_up", "drug_mismatch"]
)
def test_rx_refusals_reject_the_order_with_rx_code(patient, upstream, code):
    upstream.drug(3, rx_only=True)
    upstream.fill_refused(code)
    response = place(patient, [{"drug": 3, "quantity": 30, "prescription": 44}])
    assert (response.status_code, response.json()["code"]) == (409, code)
    assert Order.objects.get().status == "rejected"


def test_a_later_failure_gives_the_fill_back(patient, upstream):
    upstream.drug(3, rx_only=True)
    upstream.prices({3: "12.0000"})
    upstream.fills()
    upstream.short({"drug": 3, "requested": 30, "available": 0})
    response = place(patient, [{"drug": 3, "quantity": 30, "prescription": 44}])
    assert response.json()["code"] == "insufficient_stock"
    assert len(upstream.calls("/revert/")) == 1
    assert ConsumedFill.objects.get().reverted_at is not None


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([{"drug": 1, "quantity": 0}], "lines"),
        ([{"drug": 1, "quantity": -5}], "lines"),
        ([{"drug": 1, "quantity": 1}, {"drug": 1, "quantity": 2}], "lines"),
        ([{"drug": "x", "quantity": 1}], "lines"),
        ([{"drug": 2**40, "quantity": 1}], "lines"),
        ([{"drug": 1, "quantity": 1, "prescription": 2**40}], "lines"),
    ],
)
def test_bad_lines_are_400_and_store_nothing(hospital, lines, field):
    response = place(hospital, lines)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Order.objects.exists()


def test_an_unknown_drug_is_refused(hospital, upstream):
    upstream.mock.get(
        "http://gw.test/api/catalog/drugs/999/", status=404, json={"code": "not_found"}
    )
    response = place(hospital, [{"drug": 999, "quantity": 1}])
    assert (response.status_code, response.json()["code"]) == (400, "unknown_drug")


def test_only_buyers_place_orders(distributor, api_client):
    from common.testing import service_token

    assert place(distributor, [{"drug": 1, "quantity": 1}]).status_code == 403
    assert (
        place(
            api_client(service_token("inventory:reserve")), [{"drug": 1, "quantity": 1}]
        ).status_code
        == 403
    )


def _full(upstream):
    upstream.prices({1: "2.5000", 2: "10.0000"})
    upstream.stock()
    return [{"drug": 1, "quantity": 3}, {"drug": 2, "quantity": 1}], {}


def _backorder(upstream):
    upstream.prices({1: "1.0000", 2: "3.0000"})
    upstream.short({"drug": 1, "requested": 50, "available": 20})
    upstream.stock()
    return [{"drug": 1, "quantity": 50}, {"drug": 2, "quantity": 5}], {"allow_backorder": True}


@pytest.mark.parametrize("buyer", ["hospital", "patient"])
@pytest.mark.parametrize("order", [_full, _backorder])
def test_a_placement_answers_the_order_as_it_is_read_back(request, upstream, buyer, order):
    client = request.getfixturevalue(buyer)
    upstream.drug(1)
    upstream.drug(2)
    lines, extra = order(upstream)
    placed = place(client, lines, **extra)
    assert placed.status_code == 201, placed.json()
    read = client.get(f"{ORDERS}{placed.json()['id']}/")
    assert placed.json() == read.json()
    assert placed.json()["lines"][0]["allocations"]  # the lots held are in both
