"""Every endpoint declares the scope a client token needs. An ERP's ``orders:read`` token once
placed an order (201)."""

import pytest

from common.testing import api_views_without_scopes, integration_token
from orders.models import Order


def test_every_endpoint_declares_its_scopes():
    assert api_views_without_scopes() == []


def hospital_erp(scope: str) -> str:
    return integration_token(role="hospital", org=2, scope=scope, client_id="st-marys-erp")


@pytest.mark.django_db
def test_a_read_only_erp_reads_orders_but_places_none(api_client):
    reader = api_client(hospital_erp("orders:read"))
    assert reader.get("/api/orders/").status_code == 200
    placed = reader.post("/api/orders/", {"lines": [{"drug": 1, "quantity": 1}]}, format="json")
    assert placed.status_code == 403 and placed.json()["code"] == "insufficient_scope"
    cancelled = reader.post("/api/orders/1/cancel/", {"reason": "x"}, format="json")
    assert cancelled.status_code == 403 and cancelled.json()["code"] == "insufficient_scope"
    assert not Order.objects.exists()
