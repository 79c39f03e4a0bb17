"""Every endpoint declares the scope a client token needs; an integration gets no further."""

import pytest

from common.testing import api_views_without_scopes, integration_token


def test_every_endpoint_declares_its_scopes():
    assert api_views_without_scopes() == []


def hospital_erp(scope: str) -> str:
    return integration_token(role="hospital", org=2, scope=scope, client_id="st-marys-erp")


@pytest.mark.django_db
def test_an_order_scoped_erp_cannot_price_or_read_contracts(api_client):
    erp = api_client(hospital_erp("orders:read orders:write"))
    quote = erp.post("/api/pricing/quotes/", {"lines": [{"drug": 1, "quantity": 1}]}, format="json")
    contracts = erp.get("/api/pricing/contracts/")
    for refused in (quote, contracts):
        assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"


@pytest.mark.django_db
def test_a_pricing_reader_reads_its_contracts(api_client):
    assert (
        api_client(hospital_erp("pricing:read")).get("/api/pricing/contracts/").status_code == 200
    )
