"""The back office: orders with lines and history, shipped and cancelled through the same
services as the API."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from common import sso
from common.testing import mint_token
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
    assert Order.objects.get(pk=first).events.last().by == "staff:distributor"  # a local account


def test_an_action_that_cannot_happen_is_reported_not_crashed(staff, confirmed_ids):
    first, _ = confirmed_ids
    staff.post(ADMIN, {"action": "cancel", "_selected_action": [first]})
    response = staff.post(ADMIN, {"action": "ship", "_selected_action": [first]}, follow=True)
    assert "invalid_transition" in response.content.decode()
    assert Order.objects.get(pk=first).status == "cancelled"


def distributor_browser(org: int):
    """A distributor's staff member signed in through auth_svc's single sign-on."""
    client = Client()
    client.cookies[sso.COOKIE_NAME] = mint_token(
        sub="2",
        role="distributor",
        org=org,
        username="distributor",
        is_staff=True,
        is_superuser=False,
        aud=sso.AUDIENCE,
        token_type=sso.TOKEN_TYPE,
    )
    return client


def result_rows(html: str) -> list[str]:
    body = re.search(r"<tbody>(.*)</tbody>", html, re.S).group(1)
    return re.findall(r"<tr>.*?</tr>", body, re.S)


def test_ships_next_lists_confirmed_orders_oldest_first(staff, confirmed_ids):
    first, second = confirmed_ids
    Order.objects.filter(pk=first).update(created_at=timezone.now() - timedelta(days=1, hours=2))
    Order.objects.filter(pk=second).update(created_at=timezone.now() - timedelta(hours=3))
    shipped_next = staff.get(ADMIN, {"work": "ships_next"}).content.decode()
    assert "Ships next (confirmed, oldest first)" in shipped_next
    rows = result_rows(shipped_next)
    numbers = [Order.objects.get(pk=pk).number for pk in (first, second)]
    assert [re.search(r"PC-\d+", row).group(0) for row in rows] == numbers
    assert "1 d 2 h" in rows[0] and "3 h" in rows[1]
    assert "1 x " in rows[0] and "2 x " in rows[1]  # what is in each box
    staff.post(ADMIN, {"action": "cancel", "_selected_action": [first]})
    rows = result_rows(staff.get(ADMIN, {"work": "ships_next"}).content.decode())
    assert len(rows) == 1 and numbers[1] in rows[0]


def test_a_shipped_orders_page_shows_its_dscsa_record(staff, confirmed_ids, upstream):
    first, _ = confirmed_ids
    staff.post(ADMIN, {"action": "ship", "_selected_action": [first]})
    listing = staff.get(ADMIN).content.decode()
    assert f'href="{ADMIN}{first}/change/#dscsa-record"' in listing
    page = staff.get(f"{ADMIN}{first}/change/").content.decode()
    section = re.search(r'<section id="dscsa-record".*?</section>', page, re.S).group(0)
    products = result_rows(re.search(r'<table id="dscsa-products">.*?</table>', section, re.S)[0])
    assert len(products) == 1
    assert re.search(
        r"<td>12345-0001-01</td>.*<td>1</td>\s*<td>L1</td><td>2028-01-31</td>", products[0], re.S
    )
    assert "Drug Supply Chain Security Act" in section
    # auth did not answer (faked away): the parties are named by their ids.
    assert '<td class="dscsa-seller">organization 1</td>' in section
    assert '<td class="dscsa-buyer">organization 2</td>' in section
    # A confirmed order has no record yet.
    _, second = confirmed_ids
    assert 'id="dscsa-record"' not in staff.get(f"{ADMIN}{second}/change/").content.decode()


def test_a_distributor_sees_only_the_orders_it_fulfils(confirmed_ids):
    assert Order.objects.filter(seller_org=1).count() == 2
    ours = distributor_browser(1).get(ADMIN)
    assert ours.status_code == 200 and len(result_rows(ours.content.decode())) == 2
    theirs = distributor_browser(99)
    assert "0 orders" in theirs.get(ADMIN).content.decode()
    assert theirs.get(f"{ADMIN}{confirmed_ids[0]}/change/").status_code == 302  # not found
    theirs.post(ADMIN, {"action": "ship", "_selected_action": confirmed_ids})
    assert set(Order.objects.values_list("status", flat=True)) == {"confirmed"}
