"""``manage.py seed``: the shared demo catalog with its ids, Acme's warehouses and stock
received through the ledger; a second run changes nothing."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from catalog.models import Drug, Warehouse
from catalog.services import drug_create
from common.demo import ACME_DISTRIBUTION
from common.demo.catalog import drugs
from inventory.models import Lot, LotEvent, Movement
from tests.factories import gtin_for


def snapshot() -> tuple:
    return (
        Drug.objects.count(),
        Lot.objects.count(),
        Movement.objects.count(),
        LotEvent.objects.count(),
        Lot.objects.aggregate(total=Sum("on_hand"))["total"],
    )


@pytest.mark.django_db
def test_seed_builds_the_demo_and_is_idempotent():
    started = time.perf_counter()
    call_command("seed")
    elapsed = time.perf_counter() - started
    first = snapshot()
    call_command("seed")
    assert snapshot() == first
    assert elapsed < 20, f"seed took {elapsed:.1f}s"

    demo = drugs()
    assert len(demo) >= 200
    assert dict(Drug.objects.values_list("pk", "ndc")) == {row.id: row.ndc for row in demo}
    assert Drug.objects.get(pk=demo[0].id).list_price == demo[0].list_price
    schedules = set(Drug.objects.values_list("schedule", flat=True))
    assert {"", "CII", "CIII", "CIV", "CV"} <= schedules
    assert Drug.objects.filter(cold_chain=True).exists()
    assert Drug.objects.filter(rx_only=False).exists()

    names = set(
        Warehouse.objects.filter(owner_org=ACME_DISTRIBUTION).values_list("name", flat=True)
    )
    assert names == {"Main DC", "North DC"}
    today = timezone.localdate()
    assert Lot.objects.filter(status="expired", expiry_date__lt=today).exists()
    assert Lot.objects.filter(status="quarantined").exists()
    assert Lot.objects.filter(
        status="available", expiry_date__gte=today, expiry_date__lte=today + timedelta(days=90)
    ).exists()
    for warehouse in Warehouse.objects.all():
        assert Lot.objects.filter(warehouse=warehouse).values("drug").distinct().count() == len(
            demo
        )
    assert Movement.objects.filter(kind="receipt").count() == Lot.objects.count()

    # The id sequence moved past the demo ids: a new drug does not collide.
    new = drug_create(
        ndc="99999-001-01", gtin=gtin_for("99999-001-01"), name="New", generic_name="new"
    )
    assert new.pk > max(row.id for row in demo)
