"""Races on real Postgres with real threads (oscar's stockrecord-locking tests are the
model): many buyers for the last units, multi-drug orders in different line orders,
reservations racing a recall, and adjustments racing reservations."""

import random
from collections import Counter

import pytest
from django.db.models import Sum

from common.testing import mint_token, race, service_token
from inventory.models import Allocation, Lot, Movement, Reservation
from tests.factories import DrugFactory, WarehouseFactory, stocked_lot

RESERVATIONS = "/api/catalog/reservations/"


def reserve_task(api_client, lines, reference):
    token = service_token("inventory:reserve")

    def task():
        body = {"reference": reference, "lines": lines}
        return api_client(token).post(RESERVATIONS, body, format="json")

    return task


def statuses(responses) -> Counter:
    for response in responses:
        assert not isinstance(response, Exception), repr(response)
    return Counter(response.status_code for response in responses)


def assert_ledger_matches() -> None:
    sums = Movement.objects.values("lot_id").annotate(
        o=Sum("on_hand_delta"), r=Sum("reserved_delta")
    )
    ledger = {row["lot_id"]: (row["o"], row["r"]) for row in sums}
    for lot in Lot.objects.all():
        assert (lot.on_hand, lot.reserved) == ledger[lot.pk]
        assert lot.on_hand >= lot.reserved >= 0


@pytest.mark.django_db(transaction=True)
def test_fifty_buyers_for_the_last_twenty_units(api_client):
    drug = DrugFactory()
    warehouse = WarehouseFactory()
    stocked_lot(drug=drug, warehouse=warehouse, quantity=12, expiry_days=30)
    stocked_lot(drug=drug, warehouse=warehouse, quantity=8, expiry_days=90)
    tasks = [
        reserve_task(api_client, [{"drug": drug.pk, "quantity": 1}], f"SO-{i}") for i in range(50)
    ]
    responses = race(tasks)
    assert statuses(responses) == {201: 20, 409: 30}
    refused = [r.json() for r in responses if r.status_code == 409]
    assert {body["code"] for body in refused} == {"insufficient_stock"}
    assert Lot.objects.aggregate(total=Sum("reserved"))["total"] == 20
    assert Reservation.objects.filter(status="held").count() == 20
    assert_ledger_matches()


@pytest.mark.django_db(transaction=True)
def test_a_retried_reservation_racing_itself_holds_once(api_client):
    drug = DrugFactory()
    stocked_lot(drug=drug, warehouse=WarehouseFactory(), quantity=50)
    token = service_token("inventory:reserve")
    body = {"reference": "SO-RETRY", "lines": [{"drug": drug.pk, "quantity": 5}]}

    def send():
        return api_client(token).post(RESERVATIONS, body, format="json", HTTP_IDEMPOTENCY_KEY="k")

    responses = race([send] * 10)
    assert statuses(responses) == {201: 10}
    assert len({r.content for r in responses}) == 1
    assert Reservation.objects.count() == 1
    assert Lot.objects.get(drug=drug).reserved == 5


@pytest.mark.django_db(transaction=True)
def test_multi_drug_orders_in_any_line_order_never_deadlock_or_oversell(api_client):
    drugs = DrugFactory.create_batch(3)
    warehouse = WarehouseFactory()
    for drug in drugs:
        stocked_lot(drug=drug, warehouse=warehouse, quantity=20)
    rng = random.Random(7)
    tasks = []
    for i in range(50):
        lines = [{"drug": drug.pk, "quantity": 1} for drug in drugs]
        rng.shuffle(lines)  # callers list their lines in every order
        tasks.append(reserve_task(api_client, lines, f"SO-{i}"))
    responses = race(tasks)
    assert statuses(responses) == {201: 20, 409: 30}
    for drug in drugs:
        assert Lot.objects.get(drug=drug).reserved == 20
    assert_ledger_matches()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(8))
def test_a_reservation_racing_a_recall_never_holds_recalled_stock(api_client, round_):
    drug = DrugFactory()
    warehouse = WarehouseFactory()
    doomed = stocked_lot(drug=drug, warehouse=warehouse, quantity=20, expiry_days=30)
    stocked_lot(drug=drug, warehouse=warehouse, quantity=10, expiry_days=200)
    distributor = api_client(mint_token(role="distributor", sub="5", org=warehouse.owner_org))

    def recall():
        url = f"/api/catalog/lots/{doomed.pk}/recall/"
        return distributor.post(url, {"reason": "recall"}, format="json")

    tasks = [
        reserve_task(api_client, [{"drug": drug.pk, "quantity": 6}], f"R{round_}-{i}")
        for i in range(4)
    ]
    tasks.insert(round_ % 5, recall)
    responses = race(tasks)
    codes = statuses(responses)
    assert set(codes) <= {200, 201, 409}, codes
    doomed.refresh_from_db()
    assert doomed.status == "recalled"
    assert doomed.reserved == 0
    assert not Allocation.objects.filter(lot=doomed, line__reservation__status="held").exists()
    held = Allocation.objects.filter(line__reservation__status="held").aggregate(t=Sum("quantity"))
    assert (held["t"] or 0) <= 10  # all that is left to sell
    assert_ledger_matches()


@pytest.mark.django_db(transaction=True)
def test_adjustments_racing_reservations_never_drive_available_negative(api_client):
    drug = DrugFactory()
    warehouse = WarehouseFactory()
    lot = stocked_lot(drug=drug, warehouse=warehouse, quantity=20)
    distributor = api_client(mint_token(role="distributor", sub="5", org=warehouse.owner_org))

    def shrink():
        body = {"lot": lot.pk, "quantity_delta": -1, "reason": "damage"}
        return distributor.post("/api/catalog/adjustments/", body, format="json")

    tasks = [
        reserve_task(api_client, [{"drug": drug.pk, "quantity": 1}], f"A-{i}") for i in range(20)
    ]
    tasks += [shrink] * 15
    responses = race(tasks)
    codes = statuses(responses)
    assert set(codes) <= {201, 409}, codes
    lot.refresh_from_db()
    assert lot.reserved == Reservation.objects.filter(status="held").count()
    assert lot.on_hand == 20 - sum(
        1 for r in responses if r.status_code == 201 and r.json().get("kind") == "adjustment"
    )
    assert lot.on_hand >= lot.reserved
    assert_ledger_matches()
