"""Every endpoint declares the scope a client token needs; an integration gets no further."""

import pytest

from common.testing import api_views_without_scopes, integration_token


def test_every_endpoint_declares_its_scopes():
    assert api_views_without_scopes() == []


def erp(scope: str) -> str:
    """A distributor's warehouse system acting for its organization."""
    return integration_token(role="distributor", org=1, scope=scope, client_id="acme-wms")


@pytest.mark.django_db
def test_an_inventory_reader_reads_lots_but_receives_no_stock(api_client):
    reader = api_client(erp("inventory:read"))
    assert reader.get("/api/catalog/lots/").status_code == 200
    refused = reader.post("/api/catalog/receipts/", {"warehouse": 1, "lines": []}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"


@pytest.mark.django_db
def test_reservations_take_only_the_reserving_scope(api_client):
    writer = api_client(erp("inventory:read inventory:write catalog:read catalog:write"))
    refused = writer.post(
        "/api/catalog/reservations/", {"reference": "x", "lines": []}, format="json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
