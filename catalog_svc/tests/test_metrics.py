"""``pharma_stock_expiring_units``: sellable units expiring within 30 days, computed at scrape."""

import pytest
from django.db import OperationalError
from django.test import Client
from prometheus_client import REGISTRY

from inventory.models import Lot
from inventory.selectors import sellable_units_expiring
from tests.factories import DrugFactory, stocked_lot


def scraped_value(body: str) -> float:
    line = next(row for row in body.splitlines() if row.startswith("pharma_stock_expiring_units "))
    return float(line.split()[1])


@pytest.mark.django_db
def test_counts_only_unheld_units_of_sellable_lots_in_the_window(warehouse, north, reserver):
    drug, other = DrugFactory(), DrugFactory()
    stocked_lot(drug=drug, warehouse=warehouse, quantity=40, expiry_days=10)
    stocked_lot(drug=other, warehouse=north, quantity=7, expiry_days=0)  # last day: still sellable
    stocked_lot(drug=other, warehouse=warehouse, quantity=3, expiry_days=30)  # edge of the window
    stocked_lot(drug=other, warehouse=warehouse, quantity=1000, expiry_days=31)  # beyond it
    stocked_lot(drug=drug, warehouse=north, quantity=500, expiry_days=-1)  # expired, unmarked
    held_back = stocked_lot(drug=other, warehouse=north, quantity=90, expiry_days=5)
    Lot.objects.filter(pk=held_back.pk).update(status="quarantined")
    assert sellable_units_expiring() == 50
    # An order's reservation takes the earliest lot first (FEFO): those units are spoken for.
    response = reserver.post(
        "/api/catalog/reservations/",
        {"reference": "SO-9", "lines": [{"drug": drug.pk, "quantity": 15}]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert sellable_units_expiring() == 35


@pytest.mark.django_db
def test_the_scrape_exports_the_current_number(warehouse, django_assert_num_queries):
    client = Client()
    assert scraped_value(client.get("/metrics").content.decode()) == 0
    stocked_lot(drug=DrugFactory(), warehouse=warehouse, quantity=12, expiry_days=3)
    with django_assert_num_queries(1):  # one aggregate per scrape, whatever the stock
        body = client.get("/metrics").content.decode()
    assert scraped_value(body) == 12
    assert "django_http_responses_total_by_status_view_method_total" in body


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_keeps_the_last_value_and_the_scrape_answers(warehouse, monkeypatch):
    stocked_lot(drug=DrugFactory(), warehouse=warehouse, quantity=8, expiry_days=3)
    client = Client()
    assert scraped_value(client.get("/metrics").content.decode()) == 8

    def refuse(*args, **kwargs):  # what Django raises when the server cannot be reached
        raise OperationalError("connection refused")

    monkeypatch.setattr("inventory.metrics.sellable_units_expiring", refuse)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert scraped_value(response.content.decode()) == 8


def reservations(outcome: str) -> float:
    return REGISTRY.get_sample_value("pharma_reservations_total", {"outcome": outcome}) or 0.0


@pytest.mark.django_db
def test_reservations_are_counted_by_outcome(warehouse, reserver):
    drug = DrugFactory()
    stocked_lot(drug=drug, warehouse=warehouse, quantity=10, expiry_days=100)
    held, short = reservations("held"), reservations("insufficient_stock")

    def reserve(reference: str, quantity: int):
        return reserver.post(
            "/api/catalog/reservations/",
            {"reference": reference, "lines": [{"drug": drug.pk, "quantity": quantity}]},
            format="json",
        )

    assert reserve("SO-71", 4).status_code == 201
    assert reserve("SO-72", 40).status_code == 409
    assert (reservations("held"), reservations("insufficient_stock")) == (held + 1, short + 1)
