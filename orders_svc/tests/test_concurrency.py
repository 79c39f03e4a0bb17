"""Real threads, each with its own database connection (``common.testing.race``), against the
real Postgres: buyers placing orders for the same short stock while the distributor ships an
order that its buyer cancels. Catalog is faked with finite, thread-safe stock."""

import pytest

from common.testing import mint_token, race
from orders.models import Order, OrderEvent
from tests.factories import OrderEventFactory, OrderLineFactory

ORDERS = "/api/orders/"
STOCK = 10  # units of drug 1 in the warehouse
HELD_BY_EARLIER = 2  # of those, held by the order being shipped and cancelled
PER_ORDER = 3
BUYERS = 4


def answer(response) -> tuple[int, str]:
    body = response.json()
    return response.status_code, body.get("code") or body.get("status")


@pytest.mark.django_db(transaction=True)
def test_placements_cancel_and_ship_racing_oversell_nothing_and_lose_nothing(api_client, upstream):
    earlier = OrderLineFactory(drug=1, requested_quantity=HELD_BY_EARLIER).order
    OrderEventFactory(order=earlier)
    OrderEventFactory(order=earlier, from_status="pending", to_status="confirmed")
    upstream.drug(1)
    upstream.prices({1: "2.0000"})
    upstream.organization(1)
    upstream.organization(2)
    upstream.chargebacks()
    available = {1: STOCK - HELD_BY_EARLIER}
    upstream.stock(available)
    upstream.holding(earlier.reservation_id, (1, 901, HELD_BY_EARLIER))

    def client(role: str, sub: str, org: int):
        return api_client(mint_token(role=role, sub=sub, org=org, org_type=role))

    def place(n: int):
        buyer = client("hospital", f"3{n}", 2)
        return lambda: answer(
            buyer.post(ORDERS, {"lines": [{"drug": 1, "quantity": PER_ORDER}]}, format="json")
        )

    def act(action: str):
        who = client("distributor", "2", 1) if action == "ship" else client("hospital", "31", 2)
        return lambda: answer(who.post(f"{ORDERS}{earlier.pk}/{action}/", {}, format="json"))

    # django-prometheus registers its middleware's metrics on the first request, which is
    # not safe to do from several threads at once: one request first, before the race.
    client("hospital", "31", 2).get(ORDERS)
    tasks = [place(n) for n in range(BUYERS)] + [act("ship"), act("cancel")] * 2
    results = race(tasks)

    assert not [r for r in results if isinstance(r, Exception)], results
    placed, moves = results[:BUYERS], results[BUYERS:]
    assert all(code in (201, 409) for code, _ in placed), placed
    assert all(code in (200, 409) for code, _ in moves), moves
    assert {reason for code, reason in results if code == 409} <= {
        "insufficient_stock",
        "invalid_transition",
    }

    # The earlier order moved exactly once: shipped or cancelled, never both, one event.
    earlier.refresh_from_db()
    assert [code for code, _ in moves].count(200) == 1, moves
    assert earlier.status in ("shipped", "cancelled")
    terminal = OrderEvent.objects.filter(order=earlier, to_status__in=["shipped", "cancelled"])
    assert [event.to_status for event in terminal] == [earlier.status]
    reservation = upstream.reservations[int(earlier.reservation_id)]
    expected = {"shipped": "committed", "cancelled": "released"}[earlier.status]
    assert reservation["status"] == earlier.reservation_state == expected

    # No oversell: what the confirmed orders hold plus what shipped fits in the stock, and
    # every buyer refused was refused for want of stock (and holds nothing).
    confirmed = Order.objects.filter(status="confirmed").exclude(pk=earlier.pk)
    shipped = HELD_BY_EARLIER if earlier.status == "shipped" else 0
    assert confirmed.count() * PER_ORDER + shipped <= STOCK
    assert confirmed.count() == [code for code, _ in placed].count(201)
    assert confirmed.count() * PER_ORDER + shipped + available[1] == STOCK
    for order in Order.objects.exclude(pk=earlier.pk):
        events = [(e.from_status, e.to_status) for e in order.events.all()]
        assert events == [("", "pending"), ("pending", order.status)], events
        assert order.status in ("confirmed", "rejected")
        if order.status == "rejected":
            assert (order.reason_code, order.reservation_state) == ("insufficient_stock", "")
