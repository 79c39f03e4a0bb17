"""The back office: orders with lines and history, shipped and cancelled through the same
services as the API."""

import pytest
from django.contrib.auth import get_user_model

from orders.models import Order

pytestmark = pytest.mark.django_db
ADMIN = "/admin/orders/orders/order/"


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create(username="distributor", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def confirmed_ids(hospital, upstream):
    upstream.drug(1)
    upstream.prices({1: "2.0000"})
    upstream.stock()
    upstream.chargebacks()
    return [
        hospital.post(
            "/api/orders/", {"lines": [{"drug": 1, "quantity": n}]}, format="json"
        ).json()["id"]
        for n in (1, 2)
    ]


def test_the_list_and_an_order_page_render(staff, confirmed_ids, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert staff.get(ADMIN).status_code == 200
    page = staff.get(f"{ADMIN}{confirmed_ids[0]}/change/")
    assert page.status_code == 200 and "PC-" in page.content.decode()


def test_ship_and_cancel_actions_use_the_services(staff, confirmed_ids, upstream):
    first, second = confirmed_ids
    staff.post(ADMIN, {"action": "ship", "_selected_action": [first]})
    staff.post(ADMIN, {"action": "cancel", "_selected_action": [second]})
    assert Order.objects.get(pk=first).status == "shipped"
    assert Order.objects.get(pk=second).status == "cancelled"
    assert len(upstream.calls("/commit/")) == 1 and len(upstream.calls("/release/")) == 1
    assert Order.objects.get(pk=first).events.last().by == "distributor"


def test_an_action_that_cannot_happen_is_reported_not_crashed(staff, confirmed_ids):
    first, _ = confirmed_ids
    staff.post(ADMIN, {"action": "cancel", "_selected_action": [first]})
    response = staff.post(ADMIN, {"action": "ship", "_selected_action": [first]}, follow=True)
    assert "invalid_transition" in response.content.decode()
    assert Order.objects.get(pk=first).status == "cancelled"
