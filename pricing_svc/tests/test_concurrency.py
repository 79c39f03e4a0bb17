"""Lock paths under real concurrency (threads, each with its own database connection):
a claim moves once however many people press the button, and a shipment reported several
times at once is recorded once."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from chargebacks.models import Chargeback, ChargebackEvent, ShippedLine
from chargebacks.services import ShipmentIn, chargeback_transition, shipment_record
from common.errors import Conflict
from tests.conftest import BUYER
from tests.factories import ChargebackFactory, ContractItemFactory, PriceListItemFactory

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 8


def run_together(task) -> list:
    """``task()`` in WORKERS threads released at once; each result or raised error."""
    start = threading.Barrier(WORKERS)

    def attempt(_):
        start.wait()
        try:
            return task()
        except Exception as exc:  # the outcome under test
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(attempt, range(WORKERS)))


def test_a_claim_is_submitted_once_by_concurrent_clicks():
    claim = ChargebackFactory()
    outcomes = run_together(
        lambda: chargeback_transition(
            chargeback=Chargeback.objects.get(pk=claim.pk), to="submitted", by="user:1"
        )
    )
    moved = [o for o in outcomes if isinstance(o, Chargeback)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(moved), len(refused)) == (1, WORKERS - 1)
    assert {o.code for o in refused} == {"invalid_transition"}
    assert ChargebackEvent.objects.filter(chargeback=claim).count() == 1


def test_a_shipment_reported_concurrently_is_recorded_and_claimed_once():
    PriceListItemFactory(drug=1, unit_price=Decimal("10"))
    ContractItemFactory(drug=1, unit_price=Decimal("8"), contract__buyer_org=BUYER)
    shipment = ShipmentIn(
        order_ref="ORD-RACE",
        buyer_org=BUYER,
        drug=1,
        quantity=5,
        unit_price=Decimal("8"),
        currency="USD",
        shipped_at=timezone.now(),
    )
    outcomes = run_together(lambda: shipment_record(shipment=shipment, by="client:orders"))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(created for _, created in outcomes) == [False] * (WORKERS - 1) + [True]
    assert len({line.pk for line, _ in outcomes}) == 1
    assert ShippedLine.objects.count() == Chargeback.objects.count() == 1
    assert Chargeback.objects.get().amount == Decimal("10.00")
