"""An order shows the lots it will ship from: when catalog moves a hold off a recalled lot,
the recall feed makes orders read that order's lots again (and only that order's)."""

import pytest

from orders.models import Order
from tests.factories import OrderLineFactory
from webhooks.recalls import recalls_pull

pytestmark = pytest.mark.django_db
ORDERS = "/api/orders/"


def test_an_order_whose_hold_moved_off_a_recalled_lot_lists_the_lots_it_ships_from(
    hospital, upstream
):
    moved = OrderLineFactory(drug=1)  # 4 held on lot 901
    elsewhere = OrderLineFactory(drug=2)  # on lot 902
    shipped = OrderLineFactory(drug=1, order__status="shipped")
    Order.objects.filter(pk=shipped.order_id).update(reservation_state="committed")
    upstream.stock()
    upstream.holding(moved.order.reservation_id, (1, 950, 3), (1, 951, 1))  # catalog moved it
    upstream.recall(lot=901, shipments=[])

    recalls_pull()

    lots = hospital.get(f"{ORDERS}{moved.order_id}/").json()["lines"][0]["allocations"]
    assert [(lot["lot"], lot["quantity"]) for lot in lots] == [(950, 3), (951, 1)]
    read = upstream.calls("/reservations/", "GET")
    assert [call.request.url.rsplit("/", 2)[-2] for call in read] == [moved.order.reservation_id]
    elsewhere.refresh_from_db()
    shipped.refresh_from_db()
    assert elsewhere.allocations[0]["lot"] == 902 and shipped.allocations[0]["lot"] == 901
