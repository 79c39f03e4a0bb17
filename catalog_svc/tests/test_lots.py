"""Lots: listing with filters, status as of today, quarantine/release with an audit trail,
expiry (by command and at read time) and tenant isolation."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from inventory.models import LotEvent
from inventory.services import lots_expire
from tests.factories import DrugFactory, stocked_lot

LOTS = "/api/catalog/lots/"


@pytest.fixture
def lots(warehouse, north, drug):
    return {
        "expired": stocked_lot(drug=drug, warehouse=warehouse, expiry_days=-3, lot_number="OLD"),
        "soon": stocked_lot(drug=drug, warehouse=warehouse, expiry_days=20, lot_number="SOON"),
        "later": stocked_lot(drug=drug, warehouse=north, expiry_days=300, lot_number="LATER"),
    }


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["lot_number"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_lots_list_with_status_as_of_today(distributor, lots, django_assert_max_num_queries):
    # the distributor's warehouses, the count, the page: nothing per lot
    with django_assert_max_num_queries(3):
        response = distributor.get(LOTS)
    rows = {row["lot_number"]: row for row in response.json()["results"]}
    # Never marked by expire_lots, yet shown (and treated) as expired.
    assert rows["OLD"]["status"] == "expired"
    assert rows["SOON"] == {
        "id": lots["soon"].pk,
        "drug": lots["soon"].drug_id,
        "warehouse": lots["soon"].warehouse_id,
        "lot_number": "SOON",
        "expiry_date": lots["soon"].expiry_date.isoformat(),
        "status": "available",
        "on_hand": 100,
        "reserved": 0,
        "available": 100,
    }


@pytest.mark.django_db
def test_a_lot_that_cannot_be_sold_lists_nothing_available(distributor, lots):
    distributor.post(f"{LOTS}{lots['later'].pk}/recall/", {"reason": "FDA"}, format="json")
    rows = {row["lot_number"]: row for row in distributor.get(LOTS).json()["results"]}
    assert {name: (row["on_hand"], row["available"]) for name, row in rows.items()} == {
        "OLD": (100, 0),
        "SOON": (100, 100),
        "LATER": (100, 0),
    }


@pytest.mark.django_db
def test_lot_filters(distributor, lots, north, drug):
    other = stocked_lot(drug=DrugFactory(), warehouse=north, lot_number="OTHER")
    assert numbers(distributor.get(LOTS, {"status": "expired"})) == ["OLD"]
    assert numbers(distributor.get(LOTS, {"status": "available"})) == ["SOON", "LATER", "OTHER"]
    assert numbers(distributor.get(LOTS, {"expiring_within_days": 30})) == ["SOON"]
    assert numbers(distributor.get(LOTS, {"warehouse": north.pk})) == ["LATER", "OTHER"]
    assert numbers(distributor.get(LOTS, {"drug": other.drug_id})) == ["OTHER"]
    assert distributor.get(LOTS, {"expiring_within_days": -1}).status_code == 400
    assert distributor.get(LOTS, {"status": "lost"}).status_code == 400


@pytest.mark.django_db
def test_distributors_see_only_their_lots_and_admins_all(
    distributor, rival, admin_api, lots, rival_warehouse, drug
):
    theirs = stocked_lot(drug=drug, warehouse=rival_warehouse, lot_number="RIVAL")
    assert "RIVAL" not in numbers(distributor.get(LOTS))
    assert numbers(rival.get(LOTS)) == ["RIVAL"]
    assert len(numbers(admin_api.get(LOTS))) == 4
    response = distributor.post(f"{LOTS}{theirs.pk}/quarantine/", {"reason": "x"}, format="json")
    assert response.status_code == 404
    assert distributor.get(f"{LOTS}{theirs.pk}/events/").status_code == 404


@pytest.mark.django_db
def test_buyers_see_no_lots(hospital, lots):
    assert hospital.get(LOTS).status_code == 403


@pytest.mark.django_db
def test_quarantine_and_release_leave_an_audit_trail(
    distributor, lots, django_assert_max_num_queries
):
    lot = lots["later"]
    held = distributor.post(
        f"{LOTS}{lot.pk}/quarantine/", {"reason": "temperature excursion"}, format="json"
    )
    assert held.json()["status"] == "quarantined"
    released = distributor.post(f"{LOTS}{lot.pk}/release/", {"reason": "QA cleared"}, format="json")
    assert released.json()["status"] == "available"
    with django_assert_max_num_queries(3):
        events = distributor.get(f"{LOTS}{lot.pk}/events/").json()["results"]
    assert [(e["from_status"], e["to_status"], e["reason"]) for e in events] == [
        ("available", "quarantined", "temperature excursion"),
        ("quarantined", "available", "QA cleared"),
    ]
    assert [e["actor"] for e in events] == ["user:11", "user:11"]


@pytest.mark.django_db
def test_transitions_outside_the_table_are_409(distributor, lots):
    lot = lots["later"]
    response = distributor.post(f"{LOTS}{lot.pk}/release/", {"reason": "x"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert distributor.post(f"{LOTS}{lot.pk}/quarantine/", {}, format="json").status_code == 400
    assert not LotEvent.objects.filter(lot=lot).exists()


@pytest.mark.django_db
def test_an_expired_lot_cannot_come_back_from_quarantine(distributor, lots):
    lot = lots["expired"]
    distributor.post(f"{LOTS}{lot.pk}/quarantine/", {"reason": "hold"}, format="json")
    response = distributor.post(f"{LOTS}{lot.pk}/release/", {"reason": "oops"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "lot_expired"


@pytest.mark.django_db
def test_expire_lots_marks_past_expiry_lots_once(lots):
    call_command("expire_lots")
    lots["expired"].refresh_from_db()
    assert lots["expired"].status == "expired"
    event = LotEvent.objects.get(lot=lots["expired"])
    assert (event.from_status, event.to_status, event.actor) == (
        "available",
        "expired",
        "system:expire_lots",
    )
    assert lots_expire() == 0  # a second run finds nothing to do
    assert lots_expire(today=timezone.localdate() + timedelta(days=21)) == 1  # SOON's turn
