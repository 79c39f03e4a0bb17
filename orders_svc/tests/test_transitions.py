"""Both of the order's state machines refuse a move they do not allow with the one 409
(``invalid_transition``: ``from``, ``to``, ``allowed``) and change nothing; every event row
names who made the move in the platform's one actor format."""

import importlib

import pytest
from django.apps import apps

from common.testing import integration_token, mint_token
from common.transitions import InvalidTransition
from orders.models import Order, OrderEvent
from orders.services.transitions import order_transition, reservation_transition
from tests.factories import OrderEventFactory, OrderFactory, OrderLineFactory
from webhooks.models import Endpoint

pytestmark = pytest.mark.django_db
ORDERS = "/api/orders/"


@pytest.mark.parametrize(
    ("state", "to", "allowed"),
    [
        ("", "released", ["held"]),
        ("held", "held", ["committed", "released"]),
        ("released", "committed", []),
        ("committed", "released", []),
    ],
)
def test_the_reservation_state_moves_only_as_its_table_allows(state, to, allowed):
    order = OrderFactory(reservation_state=state, reservation_id="7")
    with pytest.raises(InvalidTransition) as refused:
        reservation_transition(order=order, to=to)
    assert refused.value.extra == {"from": state, "to": to, "allowed": allowed}
    order.refresh_from_db()
    assert order.reservation_state == state


def test_a_status_move_is_decided_on_the_stored_status_not_a_stale_copy():
    stale = OrderFactory(confirmed=True)
    Order.objects.filter(pk=stale.pk).update(status="cancelled")  # someone else, meanwhile
    with pytest.raises(InvalidTransition) as refused:
        order_transition(order=stale, to="shipped", by="user:2")
    assert refused.value.extra == {"from": "cancelled", "to": "shipped", "allowed": []}
    assert not OrderEvent.objects.filter(to_status="shipped").exists()


def test_a_person_is_audited_by_user_id_even_when_the_token_carries_a_username(
    api_client, upstream
):
    line = OrderLineFactory()
    hospital = api_client(
        mint_token(role="hospital", sub="31", org=2, org_type="hospital", username="nurse.joy")
    )
    upstream.stock()
    upstream.holding(line.order.reservation_id)
    hospital.post(f"{ORDERS}{line.order_id}/cancel/", {}, format="json")
    assert line.order.events.get(to_status="cancelled").by == "user:31"


def test_an_integration_is_audited_by_its_client_id(api_client, upstream):
    line = OrderLineFactory()
    erp = api_client(
        integration_token(role="hospital", org=2, scope="orders:write", client_id="erp-7")
    )
    upstream.stock()
    upstream.holding(line.order.reservation_id)
    response = erp.post(f"{ORDERS}{line.order_id}/cancel/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert line.order.events.get(to_status="cancelled").by == "client:erp-7"


def test_stored_usernames_become_actors_where_the_orders_say_whose_they_are():
    """Migration 0003: a username that placed an order is that order's buyer_user."""
    migration = importlib.import_module("orders.migrations.0003_events_by_actor")
    placed = OrderEventFactory(by="nurse.joy", order__buyer_user="31")
    OrderEventFactory(
        order=placed.order, from_status="pending", to_status="cancelled", by="nurse.joy"
    )
    shipped = OrderEventFactory(from_status="confirmed", to_status="shipped", by="dock.worker")
    machine = OrderEventFactory(by="client:erp")
    endpoint = Endpoint.objects.create(
        organization=2, url="https://erp.test/hook", secret="s", created_by="nurse.joy"
    )
    migration.usernames_to_actors(apps, None)
    endpoint.refresh_from_db()
    assert endpoint.created_by == "user:31"
    assert set(placed.order.events.values_list("by", flat=True)) == {"user:31"}
    shipped.refresh_from_db()
    machine.refresh_from_db()
    assert (shipped.by, machine.by) == ("dock.worker", "client:erp")  # nothing says whose
