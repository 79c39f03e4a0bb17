"""Availability (sellable stock only), the expiring-lots report and the low-stock report."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import Lot, Reservation
from tests.factories import DrugFactory, stocked_lot

EXPIRING = "/api/catalog/reports/expiring/"
LOW_STOCK = "/api/catalog/reports/low-stock/"


def availability(client, drug):
    return client.get(f"/api/catalog/drugs/{drug.pk}/availability/")


@pytest.mark.django_db
def test_availability_counts_only_sellable_stock(
    hospital, reserver, warehouse, north, drug, django_assert_max_num_queries
):
    stocked_lot(drug=drug, warehouse=warehouse, quantity=40, expiry_days=100)
    stocked_lot(drug=drug, warehouse=north, quantity=25, expiry_days=30)
    stocked_lot(drug=drug, warehouse=north, quantity=500, expiry_days=-2)  # expired, unmarked
    held_back = stocked_lot(drug=drug, warehouse=warehouse, quantity=70)
    Lot.objects.filter(pk=held_back.pk).update(status="quarantined")
    reserver.post(
        "/api/catalog/reservations/",
        {"reference": "SO-1", "lines": [{"drug": drug.pk, "quantity": 5}]},
        format="json",
    )
    # the stock per warehouse and the lapsed holds: the drug itself is known from its lots
    with django_assert_max_num_queries(2):
        body = availability(hospital, drug).json()
    today = timezone.localdate()
    assert body == {
        "drug": drug.pk,
        "available": 60,
        "on_hand": 65,
        "earliest_expiry": (today + timedelta(days=30)).isoformat(),
        "warehouses": [
            {"warehouse": warehouse.pk, "name": "Main DC", "available": 40},
            {"warehouse": north.pk, "name": "North DC", "available": 20},
        ],
    }


@pytest.mark.django_db
def test_lapsed_holds_count_as_available(hospital, reserver, warehouse, drug):
    stocked_lot(drug=drug, warehouse=warehouse, quantity=10)
    reserver.post(
        "/api/catalog/reservations/",
        {"reference": "SO-1", "lines": [{"drug": drug.pk, "quantity": 10}]},
        format="json",
    )
    assert availability(hospital, drug).json()["available"] == 0
    Reservation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert availability(hospital, drug).json()["available"] == 10


@pytest.mark.django_db
def test_a_confirmed_hold_past_its_time_stays_unavailable(hospital, reserver, warehouse, drug):
    """A confirmed hold waits for shipment: its time being up gives nothing back."""
    stocked_lot(drug=drug, warehouse=warehouse, quantity=10)
    reserver.post(
        "/api/catalog/reservations/",
        {"reference": "SO-1", "lines": [{"drug": drug.pk, "quantity": 10}], "confirm": True},
        format="json",
    )
    Reservation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert availability(hospital, drug).json()["available"] == 0


@pytest.mark.django_db
def test_availability_of_an_unknown_drug_is_404(hospital):
    response = availability(hospital, DrugFactory.build(pk=987654))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_a_drug_with_nothing_to_sell_is_known_and_has_none(hospital, warehouse, drug):
    stocked_lot(drug=drug, warehouse=warehouse, quantity=30, expiry_days=-1)
    assert availability(hospital, drug).json() == {
        "drug": drug.pk,
        "available": 0,
        "on_hand": 0,
        "earliest_expiry": None,
        "warehouses": [],
    }


@pytest.mark.django_db
def test_expiring_report_soonest_first_with_value(
    distributor, rival, warehouse, rival_warehouse, drug, django_assert_max_num_queries
):
    unpriced = DrugFactory(list_price=None)
    stocked_lot(drug=drug, warehouse=warehouse, quantity=10, expiry_days=60, lot_number="SIXTY")
    stocked_lot(drug=unpriced, warehouse=warehouse, quantity=3, expiry_days=5, lot_number="FIVE")
    stocked_lot(drug=drug, warehouse=warehouse, quantity=8, expiry_days=120, lot_number="FAR")
    stocked_lot(drug=drug, warehouse=warehouse, quantity=8, expiry_days=-1, lot_number="GONE")
    stocked_lot(drug=drug, warehouse=rival_warehouse, expiry_days=10, lot_number="THEIRS")
    # the distributor's warehouses, the count, the page: nothing per row
    with django_assert_max_num_queries(3):
        rows = distributor.get(EXPIRING).json()["results"]
    assert [(r["lot_number"], r["quantity"], r["value"]) for r in rows] == [
        ("FIVE", 3, None),
        ("SIXTY", 10, str(Decimal("125.00"))),
    ]
    assert rows[1]["currency"] == "USD"
    assert rows[1]["list_price"] == "12.50"
    wider = distributor.get(EXPIRING, {"days": 365}).json()["results"]
    assert [r["lot_number"] for r in wider] == ["FIVE", "SIXTY", "FAR"]
    assert distributor.get(EXPIRING, {"days": -1}).status_code == 400
    assert distributor.get(EXPIRING, {"days": "soon"}).status_code == 400


@pytest.mark.django_db
def test_low_stock_report(
    distributor, admin_api, warehouse, rival_warehouse, django_assert_max_num_queries
):
    short = DrugFactory(reorder_point=50, name="Short")
    fine = DrugFactory(reorder_point=50, name="Fine")
    nothing = DrugFactory(reorder_point=5, name="Nothing")
    DrugFactory(reorder_point=0, name="Unplanned")
    stocked_lot(drug=short, warehouse=warehouse, quantity=20)
    stocked_lot(drug=short, warehouse=warehouse, quantity=100, expiry_days=-3)  # expired: not stock
    stocked_lot(drug=fine, warehouse=warehouse, quantity=60)
    stocked_lot(drug=nothing, warehouse=rival_warehouse, quantity=60)  # someone else's stock
    with django_assert_max_num_queries(2):
        rows = distributor.get(LOW_STOCK).json()["results"]
    assert [(r["name"], r["available"], r["reorder_point"]) for r in rows] == [
        ("Nothing", 0, 5),
        ("Short", 20, 50),
    ]
    assert [r["name"] for r in admin_api.get(LOW_STOCK).json()["results"]] == ["Short"]


@pytest.mark.django_db
def test_reports_are_for_the_back_office(hospital):
    assert hospital.get(EXPIRING).status_code == 403
    assert hospital.get(LOW_STOCK).status_code == 403
