"""Orders across the real services, through HAProxy: the saga's happy path and refusals,
idempotency, outages of pricing and catalog, and a rush on scarce stock."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import Api, ServiceOutage

ORDERS = "/api/orders/"


@pytest.fixture(scope="module")
def hospital_a(platform):
    return Api(platform, "hospital_a")


def available(api: Api, drug: int) -> int:
    return api.get(f"/api/catalog/drugs/{drug}/availability/").json()["available"]


def place(api: Api, lines, key=None, **extra):
    body = {
        "lines": [
            {"drug": d, "quantity": q, **({"prescription": p} if p else {})} for d, q, p in lines
        ],
        **extra,
    }
    return api.post(ORDERS, body, key=key)


def test_a_hospital_order_goes_through_every_service(hospital_a, stock_finder):
    drug, before = stock_finder()
    response = place(hospital_a, [(drug, 5, None)], min_shelf_life_days=30)
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "confirmed" and order["price_source"] == "live"
    line = order["lines"][0]
    assert sum(a["quantity"] for a in line["allocations"]) == 5
    assert float(line["unit_price"]) > 0
    assert available(hospital_a, drug) == before - 5


@pytest.mark.parametrize(
    ("buyer", "code"), [("hospital_b", "license_missing"), ("pharmacy", "schedule_not_licensed")]
)
def test_schedule_ii_needs_a_covering_dea_licence(platform, stock_finder, buyer, code):
    drug, before = stock_finder(5, schedule="CII")
    api = Api(platform, buyer)
    response = place(api, [(drug, 1, None)])
    assert (response.status_code, response.json()["code"]) == (403, code)
    assert api.get(f"{ORDERS}{response.json()['order']['id']}/").json()["status"] == "rejected"
    assert available(api, drug) == before


def test_an_expired_licence_is_refused(platform, stock_finder):
    admin = Api(platform, "admin")
    suffix = uuid.uuid4().hex[:6]
    org = admin.post(
        "/api/auth/organizations/",
        {
            "name": f"Lapsed Clinic {suffix}",
            "type": "hospital",
            "licenses": [
                {
                    "kind": "dea",
                    "number": f"BL{suffix}",
                    "schedules": ["CII"],
                    "expires_on": "2020-01-31",
                }
            ],
        },
    ).json()
    user = {
        "username": f"lapsed{suffix}",
        "email": f"l{suffix}@example.test",
        "password": "a-long-passphrase-42",
    }
    assert (
        admin.post(
            "/api/auth/users/", {**user, "role": "hospital", "organization": org["id"]}
        ).status_code
        == 201
    )
    drug, _ = stock_finder(5, schedule="CII")
    response = place(Api(platform, user["username"], user["password"]), [(drug, 1, None)])
    assert (response.status_code, response.json()["code"]) == (403, "license_expired")


def test_a_patient_needs_a_prescription_for_rx_drugs(platform, stock_finder):
    patient = Api(platform, "patient")
    drug, _ = stock_finder(5, rx_only=True)
    response = place(patient, [(drug, 1, None)])
    assert (response.status_code, response.json()["code"]) == (400, "prescription_required")


def test_a_patient_orders_with_the_verified_prescription(platform):
    patient = Api(platform, "patient")
    verified = patient.get("/api/rx/prescriptions/", params={"status": "verified"}).json()[
        "results"
    ]
    assert verified, "the demo patient has a verified prescription"
    rx = verified[0]
    fills = rx["fills_remaining"]
    assert fills >= 1
    for _ in range(fills):
        response = place(patient, [(rx["drug"], 1, rx["id"])])
        assert response.status_code == 201, response.text
        assert response.json()["channel"] == "b2c"
    used_up = place(patient, [(rx["drug"], 1, rx["id"])])
    assert (used_up.status_code, used_up.json()["code"]) == (409, "prescription_used_up")
    assert patient.get(f"/api/rx/prescriptions/{rx['id']}/").json()["fills_remaining"] == 0


def test_insufficient_stock_rejects_and_holds_nothing(hospital_a, stock_finder):
    drug, before = stock_finder()
    response = place(hospital_a, [(drug, before + 1, None)])
    assert (response.status_code, response.json()["code"]) == (409, "insufficient_stock")
    assert response.json()["lines"] == [
        {"drug": drug, "requested": before + 1, "available": before}
    ]
    assert available(hospital_a, drug) == before


def test_the_same_idempotency_key_places_one_order(hospital_a, stock_finder):
    drug, before = stock_finder()
    key = f"e2e-{uuid.uuid4()}"
    first = place(hospital_a, [(drug, 2, None)], key=key)
    second = place(hospital_a, [(drug, 2, None)], key=key)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert available(hospital_a, drug) == before - 2


def test_thirty_buyers_rush_scarce_stock_without_oversell(platform, stock_finder):
    drug, before = stock_finder(20)
    per_order = max(1, before // 20)
    buyers = [Api(platform, name) for name in ("hospital_a", "pharmacy")]

    def order(n: int):
        return place(buyers[n % 2], [(drug, per_order, None)]).json()

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(order, range(30)))
    confirmed = [a for a in answers if a.get("status") == "confirmed"]
    refused = [a for a in answers if a.get("code") == "insufficient_stock"]
    assert len(confirmed) + len(refused) == 30, [a for a in answers if a not in confirmed + refused]
    held = sum(a["lines"][0]["quantity"] for a in confirmed)
    assert held <= before
    assert len(confirmed) == before // per_order
    assert available(buyers[0], drug) == before - held  # refused orders hold nothing


def test_pricing_down_prices_from_the_last_good_quote_or_refuses(hospital_a, stock_finder):
    quoted, _ = stock_finder()
    never_quoted, before = stock_finder()
    assert place(hospital_a, [(quoted, 1, None)]).json()["price_source"] == "live"
    with ServiceOutage("pricing"):
        cached = place(hospital_a, [(quoted, 1, None)])
        refused = place(hospital_a, [(never_quoted, 1, None)])
    assert (cached.status_code, cached.json()["price_source"]) == (201, "cached")
    assert (refused.status_code, refused.json()["code"]) == (503, "upstream_unavailable")
    assert refused.headers["Retry-After"]
    assert available(hospital_a, never_quoted) == before
    deadline = time.monotonic() + 20  # the breaker lets a trial call through after 10 s
    while place(hospital_a, [(quoted, 1, None)]).json().get("price_source") != "live":
        assert time.monotonic() < deadline, "pricing did not come back"
        time.sleep(1)


def test_catalog_down_never_confirms(hospital_a, stock_finder):
    drug, _ = stock_finder()
    with ServiceOutage("catalog"):
        response = place(hospital_a, [(drug, 1, None)])
    assert (response.status_code, response.json()["code"]) == (503, "upstream_unavailable")
    order = response.json()["order"]  # created pending, then rejected: never confirmed
    assert hospital_a.get(f"{ORDERS}{order['id']}/").json()["status"] == "rejected"


@pytest.mark.parametrize("status", ["confirmed", "shipped", "delivered", "cancelled", "rejected"])
def test_up_placed_demo_orders_in_every_settled_state(platform, status):
    admin = Api(platform, "admin")
    assert admin.get(ORDERS, params={"status": status}).json()["count"] >= 1


def test_placements_are_counted_on_metrics(platform, hospital_a, stock_finder):
    import requests
    from runner.profiles import PROFILES

    from common.registry import service

    drug, stock = stock_finder()
    assert place(hospital_a, [(drug, 1, None)]).status_code == 201
    assert place(hospital_a, [(drug, stock * 2, None)]).status_code == 409
    ports = service("orders").ports(PROFILES["e2e"].port_offset)
    scraped = "".join(requests.get(f"http://127.0.0.1:{port}/metrics").text for port in ports)
    assert 'pharma_orders_placed_total{outcome="confirmed",price_source="live"}' in scraped
    assert 'pharma_orders_placed_total{outcome="insufficient_stock",price_source=""}' in scraped
