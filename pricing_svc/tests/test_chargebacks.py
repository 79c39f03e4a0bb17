"""Chargebacks: shipped lines from orders, claims for lines sold under contract below list,
idempotency, the claim states, the list and the per-manufacturer report."""

from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chargebacks.models import Chargeback, ChargebackEvent, ShippedLine
from tests.conftest import BUYER, MYLAN, OTHER_BUYER, TEVA
from tests.factories import (
    ChargebackFactory,
    ContractItemFactory,
    PriceListFactory,
    PriceListItemFactory,
)

pytestmark = pytest.mark.django_db
EVENTS = "/api/pricing/chargebacks/events/"
LIST = "/api/pricing/chargebacks/"
REPORT = "/api/pricing/reports/chargebacks/"


@pytest.fixture
def deal():
    """Drug 1 listed at 10.00 and contracted to BUYER at 7.3333."""
    price_list = PriceListFactory()
    PriceListItemFactory(price_list=price_list, drug=1, unit_price=Decimal("10.00"))
    PriceListItemFactory(price_list=price_list, drug=2, unit_price=Decimal("5.00"))
    item = ContractItemFactory(drug=1, unit_price=Decimal("7.3333"))
    return SimpleNamespace(contract=item.contract, price_list=price_list)


def shipped(**overrides):
    return {
        "order_ref": "ORD-1001",
        "buyer_org": BUYER,
        "drug": 1,
        "quantity": 3,
        "unit_price": "7.3333",
        "shipped_at": timezone.now().isoformat(),
        **overrides,
    }


def test_a_line_sold_under_contract_below_list_opens_a_chargeback(shipping_service, deal):
    response = shipping_service.post(EVENTS, shipped(contract_id=deal.contract.id), format="json")
    assert response.status_code == 201, response.json()
    claim = response.json()["chargeback"]
    # (10.00 - 7.3333) x 3 = 8.0001 -> 8.00
    assert (claim["list_price"], claim["contract_price"], claim["amount"]) == (
        "10.0000",
        "7.3333",
        "8.00",
    )
    assert (claim["status"], claim["manufacturer"], claim["contract"]) == (
        "open",
        TEVA,
        deal.contract.id,
    )
    event = ChargebackEvent.objects.get()
    assert (event.from_status, event.to_status, event.by) == ("", "open", "client:orders-service")


def test_without_a_contract_id_the_contract_in_force_on_the_shipping_day_counts(
    shipping_service, deal
):
    response = shipping_service.post(EVENTS, shipped(), format="json")
    assert response.json()["chargeback"]["contract"] == deal.contract.id
    before = (deal.contract.valid_from - timedelta(days=1)).isoformat() + "T12:00:00+00:00"
    earlier = shipping_service.post(
        EVENTS, shipped(order_ref="ORD-2", shipped_at=before), format="json"
    )
    assert earlier.status_code == 201
    assert earlier.json()["chargeback"] is None


def test_a_repeated_event_is_recorded_once(shipping_service, deal):
    event = shipped()
    first = shipping_service.post(EVENTS, event, format="json")
    again = shipping_service.post(EVENTS, event, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert ShippedLine.objects.count() == Chargeback.objects.count() == 1
    assert ChargebackEvent.objects.count() == 1


def test_the_same_line_reported_differently_is_a_conflict(shipping_service, deal):
    event = shipped()
    shipping_service.post(EVENTS, event, format="json")
    response = shipping_service.post(EVENTS, {**event, "quantity": 4}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "shipment_conflict"
    assert Chargeback.objects.get().quantity == 3


@pytest.mark.parametrize(
    ("drug", "unit_price", "why"),
    [
        (2, "5.00", "no contract for the drug: sold at list"),
        (3, "1.00", "no list price to claim against"),
    ],
)
def test_lines_not_under_a_contract_below_list_raise_no_chargeback(
    shipping_service, deal, drug, unit_price, why
):
    if drug == 3:
        ContractItemFactory(contract=deal.contract, drug=3, unit_price=Decimal("1.00"))
    response = shipping_service.post(
        EVENTS, shipped(drug=drug, unit_price=unit_price), format="json"
    )
    assert response.status_code == 201, why
    assert response.json()["chargeback"] is None
    assert ShippedLine.objects.count() == 1


def test_a_contract_at_or_above_list_raises_no_chargeback(shipping_service, deal):
    ContractItemFactory(contract=deal.contract, drug=2, unit_price=Decimal("5.00"))
    response = shipping_service.post(EVENTS, shipped(drug=2), format="json")
    assert response.json()["chargeback"] is None


def test_a_contract_of_another_buyer_is_refused(shipping_service, deal):
    response = shipping_service.post(
        EVENTS, shipped(buyer_org=OTHER_BUYER, contract_id=deal.contract.id), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_contract"
    assert ShippedLine.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"shipped_at": "yesterday"}, "shipped_at"),
        ({"order_ref": ""}, "order_ref"),
        ({"unit_price": "-0.01"}, "unit_price"),
        ({"drug": None}, "drug"),
    ],
)
def test_bad_events_are_refused(shipping_service, deal, overrides, field):
    response = shipping_service.post(EVENTS, shipped(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert ShippedLine.objects.count() == 0


@pytest.mark.parametrize("caller", ["quoting_service", "distributor", "admin", "hospital"])
def test_only_services_with_the_chargeback_scope_report_shipments(request, caller, deal):
    response = request.getfixturevalue(caller).post(EVENTS, shipped(), format="json")
    assert response.status_code == 403
    assert ShippedLine.objects.count() == 0


def test_claims_move_open_submitted_paid(distributor, admin):
    claim = ChargebackFactory()
    url = f"{LIST}{claim.id}/"
    submitted = distributor.post(url + "submit/", {"reason": "Q3 batch"}, format="json")
    assert submitted.json()["status"] == "submitted"
    assert admin.post(url + "mark-paid/", format="json").json()["status"] == "paid"
    moves = list(ChargebackEvent.objects.values_list("from_status", "to_status", "reason", "by"))
    assert moves == [
        ("open", "submitted", "Q3 batch", "user:1"),
        ("submitted", "paid", "", "user:1"),
    ]
    # The trail records a move once it is saved, never before.
    claim.refresh_from_db()
    assert ChargebackEvent.objects.latest("at").at >= claim.updated_at


@pytest.mark.parametrize(
    ("status", "action", "to", "allowed"),
    [
        ("open", "mark-paid", "paid", ["submitted"]),
        ("open", "reject", "rejected", ["submitted"]),
        ("submitted", "submit", "submitted", ["paid", "rejected"]),
        ("paid", "reject", "rejected", []),
        ("rejected", "mark-paid", "paid", []),
    ],
)
def test_other_moves_are_invalid_transitions(distributor, status, action, to, allowed):
    claim = ChargebackFactory(status=status)
    response = distributor.post(f"{LIST}{claim.id}/{action}/", format="json")
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "invalid_transition"
    assert (problem["from"], problem["to"], problem["allowed"]) == (status, to, allowed)
    claim.refresh_from_db()
    assert claim.status == status
    assert ChargebackEvent.objects.count() == 0


def test_buyers_neither_list_nor_move_claims(hospital):
    claim = ChargebackFactory()
    assert hospital.get(LIST).status_code == 403
    assert hospital.post(f"{LIST}{claim.id}/submit/").status_code == 403
    assert hospital.get(REPORT).status_code == 403


def test_the_list_filters_by_status_with_constant_queries(distributor):
    ChargebackFactory(status="submitted")
    with CaptureQueriesContext(connection) as few:
        assert distributor.get(LIST + "?status=submitted").json()["count"] == 1
    ChargebackFactory.create_batch(20, status="submitted")
    ChargebackFactory.create_batch(3, status="open")
    with CaptureQueriesContext(connection) as many:
        assert distributor.get(LIST + "?status=submitted").json()["count"] == 21
    assert len(many) == len(few) <= 2
    assert distributor.get(LIST + "?status=lost").status_code == 400
    first = distributor.get(LIST + "?status=open").json()["results"][0]
    assert set(first) >= {
        "order_ref",
        "drug",
        "quantity",
        "list_price",
        "contract_price",
        "amount",
        "status",
    }


def test_the_report_sums_per_manufacturer_over_a_period(distributor):
    def claim(manufacturer, day, amount, status="open", drug=1):
        at = timezone.make_aware(datetime(2027, 3, day, 23, 59))
        ChargebackFactory(
            manufacturer=manufacturer,
            amount=Decimal(amount),
            status=status,
            shipped_line__shipped_at=at,
            shipped_line__drug=drug,
        )

    claim(TEVA, 1, "10.00")
    claim(TEVA, 31, "5.50", status="paid")
    claim(TEVA, 15, "100.00", status="rejected")
    claim(MYLAN, 10, "2.25", drug=2)
    claim(TEVA, 28, "1.00")
    ChargebackFactory(manufacturer=TEVA, amount=Decimal("99"))  # shipped today, outside March
    response = distributor.get(REPORT + "?from=2027-03-01&to=2027-03-31")
    assert response.status_code == 200
    report = response.json()
    assert (report["from"], report["to"], report["manufacturer"]) == (
        "2027-03-01",
        "2027-03-31",
        None,
    )
    rows = {row["manufacturer"]: row for row in report["results"]}
    assert rows[TEVA] == {
        "manufacturer": TEVA,
        "currency": "USD",
        "lines": 4,
        "quantity": 40,
        "amount": "16.50",
        "open": "11.00",
        "submitted": "0.00",
        "paid": "5.50",
        "rejected": "100.00",
    }
    assert rows[MYLAN]["amount"] == "2.25"
    only = distributor.get(REPORT + f"?manufacturer={MYLAN}&from=2027-03-10&to=2027-03-10")
    assert [row["manufacturer"] for row in only.json()["results"]] == [MYLAN]
    assert distributor.get(REPORT + "?from=2027-04-01&to=2027-03-01").status_code == 400
    assert distributor.get(REPORT + "?from=March").status_code == 400


def test_a_period_ending_on_the_last_representable_day_includes_everything(distributor):
    """`?to=9999-12-31` once answered 500 (the day after it does not exist)."""
    ChargebackFactory(manufacturer=TEVA, amount=Decimal("3.00"))
    response = distributor.get(REPORT + "?from=0001-01-01&to=9999-12-31")
    assert response.status_code == 200
    assert [row["amount"] for row in response.json()["results"]] == ["3.00"]
