"""``reconcile`` settles what a crash left: abandoned pending orders, unreleased stock, fills
not given back. Running it twice changes nothing more."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from orders import upstreams
from orders.models import ConsumedFill, Order
from orders.reconcile import orders_reconcile
from orders.services.holds import first_hold
from tests.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def crashed_order(age: timedelta, **fields) -> Order:
    order = OrderFactory(channel="b2c", buyer_org=None, buyer_user="7", **fields)
    OrderLineFactory(
        order=order, line_no=1, drug=3, requested_quantity=1, quantity=0, prescription=44
    )
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - age)
    return order


def first_hold_request(order: Order):
    """What the placement asked of catalog first, for the order's requested quantities."""
    return upstreams.catalog().reserve(
        reference=order.number,
        lines=[(line.drug, line.requested_quantity) for line in order.lines.all()],
        min_shelf_life_days=order.min_shelf_life_days,
        idempotency_key=order.number,
        confirm=True,
    )


def test_an_abandoned_pending_order_is_rejected_and_undone(upstream):
    upstream.stock()
    upstream.fills()
    upstream.reservations[501] = {
        "id": 501,
        "reference": "PC-X1",
        "status": "held",
        "expires_at": "2099-01-01T00:00:00+00:00",
        "lines": [],
    }
    order = crashed_order(timedelta(minutes=10), reservation_id="501", reservation_state="held")
    ConsumedFill.objects.create(order=order, prescription=44, drug=3, quantity=1)
    settled = orders_reconcile()
    order.refresh_from_db()
    assert (order.status, order.reason_code, order.reservation_state) == (
        "rejected",
        "abandoned",
        "released",
    )
    assert ConsumedFill.objects.get().reverted_at is not None
    assert settled.abandoned == 1
    assert orders_reconcile().abandoned == 0
    assert len(upstream.calls("/release/")) == 1 and len(upstream.calls("/revert/")) == 1


def test_a_pending_order_still_in_flight_is_left_alone(upstream):
    order = crashed_order(timedelta(seconds=5))
    call_command("reconcile")
    order.refresh_from_db()
    assert order.status == "pending"


def test_a_hold_the_crash_kept_the_order_from_recording_is_found_and_released(upstream):
    upstream.stock()
    upstream.fills()
    order = crashed_order(timedelta(minutes=10))
    # The placement's call reached catalog (a confirmed hold, which never lapses by itself)
    # and the replica died before the order recorded it.
    made = first_hold_request(order)
    assert upstream.reservations[made.id]["status"] == "held"
    settled = orders_reconcile()
    order.refresh_from_db()
    assert (order.status, order.reservation_id, order.reservation_state) == (
        "rejected",
        str(made.id),
        "released",
    )
    assert upstream.reservations[made.id]["status"] == "released"
    assert settled.abandoned == 1
    assert [r["status"] for r in upstream.reservations.values()] == ["released"]  # no other


def test_an_abandoned_order_waits_while_catalog_cannot_say_what_it_holds(upstream):
    upstream.catalog_down()
    order = crashed_order(timedelta(minutes=10))
    assert orders_reconcile().abandoned == 0
    order.refresh_from_db()
    assert order.status == "pending"


def test_compensation_interrupted_by_an_outage_is_finished_later(upstream):
    upstream.mock.post("http://gw.test/api/catalog/reservations/601/release/", status=503)
    order = crashed_order(timedelta(minutes=10), reservation_id="601", reservation_state="held")
    orders_reconcile()
    order.refresh_from_db()
    assert (order.status, order.reservation_state) == ("rejected", "held")
    upstream.mock.remove("POST", "http://gw.test/api/catalog/reservations/601/release/")
    upstream.mock.post(
        "http://gw.test/api/catalog/reservations/601/release/",
        json={
            "id": 601,
            "reference": "PC-X1",
            "status": "released",
            "expires_at": "2099-01-01T00:00:00+00:00",
            "lines": [],
        },
    )
    from common.clients import breakers

    breakers.breakers_forget()
    assert orders_reconcile().compensated == 1
    order.refresh_from_db()
    assert order.reservation_state == "released"


def test_an_order_cancelled_while_catalog_held_its_stock_keeps_the_hold_to_release(
    hospital, upstream, monkeypatch
):
    """The hold is recorded with the confirmation; a confirmation refused because the buyer
    cancelled meanwhile still leaves the hold on the order, for reconcile to release."""
    from orders.services import placement
    from orders.services.cancel import order_cancel

    upstream.drug(1)
    upstream.prices({1: "1.0000"})
    upstream.stock()

    def hold_then_cancelled(order, requested):
        made = first_hold(order, requested)
        order_cancel(order=Order.objects.get(pk=order.pk), by="user:31", reason="")
        return made

    monkeypatch.setattr(placement, "first_hold", hold_then_cancelled)
    response = hospital.post("/api/orders/", {"lines": [{"drug": 1, "quantity": 2}]}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    order = Order.objects.get()
    (made,) = upstream.reservations
    assert (order.status, order.reservation_id, order.reservation_state) == (
        "cancelled",
        str(made),
        "held",
    )
    assert orders_reconcile().compensated == 1
    assert upstream.reservations[made]["status"] == "released"
