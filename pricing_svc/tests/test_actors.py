"""Who did it, in the platform's one format on pricing's audit columns: ``user:<id>`` for a
person (through the API, or in the admin when signed in through auth_svc),
``client:<client_id>`` for a machine (a B2B integration too, though it has a role),
``staff:<username>`` for a local admin account."""

import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from chargebacks.models import ChargebackEvent
from common import sso
from common.testing import integration_token, mint_token
from quotes.models import Quote
from tests.conftest import BUYER
from tests.factories import ChargebackFactory, PriceListItemFactory

pytestmark = pytest.mark.django_db
QUOTES = "/api/pricing/quotes/"


def quote_by(client) -> str:
    PriceListItemFactory(drug=1, unit_price=Decimal("10.00"))
    response = client.post(QUOTES, {"lines": [{"drug": 1, "quantity": 1}]}, format="json")
    assert response.status_code == 201, response.content
    return Quote.objects.get(pk=response.json()["id"]).requested_by


def test_a_person_is_their_user_id(api_client):
    nurse = api_client(mint_token(role="hospital", sub="31", org=BUYER, org_type="hospital"))
    assert quote_by(nurse) == "user:31"


def test_an_integration_without_a_person_is_its_client_id(api_client):
    erp = integration_token(role="hospital", org=BUYER, scope="pricing:quote", client_id="erp-7")
    assert quote_by(api_client(erp)) == "client:erp-7"


def test_staff_signed_in_through_auth_are_their_user_id_in_the_admin():
    browser = Client()
    browser.cookies[sso.COOKIE_NAME] = mint_token(
        sub="5",
        role="admin",
        username="ada",
        is_staff=True,
        is_superuser=True,
        aud=sso.AUDIENCE,
        token_type=sso.TOKEN_TYPE,
    )
    claim = ChargebackFactory()
    browser.post(
        "/admin/pricing/chargebacks/chargeback/",
        {"action": "mark_submitted", "_selected_action": [claim.pk]},
    )
    assert ChargebackEvent.objects.get().by == "user:5"


def run_migration_sql(name: str) -> None:
    for operation in importlib.import_module(name).Migration.operations:
        statements = operation.sql if isinstance(operation.sql, list) else [operation.sql]
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def test_the_migrations_write_a_client_without_an_id_in_the_one_format(hospital):
    quote_by(hospital)
    Quote.objects.update(requested_by="client:None")
    claim = ChargebackFactory()
    ChargebackEvent.objects.create(chargeback=claim, to_status="open", by="client:None")
    ChargebackEvent.objects.create(chargeback=claim, to_status="open", by="admin:boss")
    run_migration_sql("quotes.migrations.0002_actor_one_format")
    run_migration_sql("chargebacks.migrations.0002_actor_one_format")
    assert Quote.objects.get().requested_by == "client:unknown"
    assert list(ChargebackEvent.objects.order_by("pk").values_list("by", flat=True)) == [
        "client:unknown",
        "admin:boss",  # an SSO or a local account: this database cannot tell which
    ]
