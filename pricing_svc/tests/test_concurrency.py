"""Lock paths under real concurrency (threads, each with its own database connection):
a claim moves once however many people press the button, and a shipment reported several
times at once is recorded once."""

from decimal import Decimal

import pytest
from django.utils import timezone

from chargebacks.models import Chargeback, ChargebackEvent, ShippedLine
from chargebacks.services import ShipmentIn, chargeback_transition, shipment_record
from common.errors import Conflict
from common.testing import race
from tests.conftest import BUYER
from tests.factories import ChargebackFactory, ContractItemFactory, PriceListItemFactory

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 8


def test_a_claim_is_submitted_once_by_concurrent_clicks():
    claim = ChargebackFactory()
    outcomes = race(
        [
            lambda: chargeback_transition(
                chargeback=Chargeback.objects.get(pk=claim.pk), to="submitted", by="user:1"
            )
        ]
        * WORKERS
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
    outcomes = race([lambda: shipment_record(shipment=shipment, by="client:orders")] * WORKERS)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(created for _, created in outcomes) == [False] * (WORKERS - 1) + [True]
    assert len({line.pk for line, _ in outcomes}) == 1
    assert ShippedLine.objects.count() == Chargeback.objects.count() == 1
    assert Chargeback.objects.get().amount == Decimal("10.00")
