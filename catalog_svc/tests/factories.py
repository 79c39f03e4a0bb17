"""factory_boy factories; stock always arrives through the receipt service (the ledger)."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from catalog.identifiers import gtin_check_digit, ndc_to_11
from catalog.models import Drug, Warehouse
from catalog.search import search_terms_refresh
from common.demo import ACME_DISTRIBUTION
from inventory.models import Lot
from inventory.services import ReceiptLineIn, receipt_create


def gtin_for(ndc: str) -> str:
    """The GTIN-14 a US drug package carries: indicator 0, prefix 03, NDC-10, check digit."""
    body = "003" + ndc.replace("-", "")
    return body + gtin_check_digit(body)


class DrugFactory(DjangoModelFactory):
    class Meta:
        model = Drug
        skip_postgeneration_save = True

    ndc = factory.Sequence(lambda n: f"{50000 + n // 1000:05d}-{n % 1000:03d}-01")
    ndc11 = factory.LazyAttribute(lambda drug: ndc_to_11(drug.ndc))
    gtin = factory.LazyAttribute(lambda drug: gtin_for(drug.ndc))
    name = factory.Sequence(lambda n: f"Testamycin {n} 10 mg Tablet")
    generic_name = factory.Sequence(lambda n: f"testamycin {n}")
    strength = "10 mg"
    dosage_form = "tablet"
    manufacturer = "Acme Generics"
    pack_size = 100
    unit = "tablet"
    reorder_point = 10
    list_price = Decimal("12.5000")

    @factory.post_generation
    def vocabulary(drug, create, extracted, **kwargs):
        """As drug_create does: the drug's words become searchable."""
        if create:
            search_terms_refresh(drug_ids=[drug.pk])


class WarehouseFactory(DjangoModelFactory):
    class Meta:
        model = Warehouse

    name = factory.Sequence(lambda n: f"Warehouse {n}")
    owner_org = ACME_DISTRIBUTION


def stocked_lot(
    *,
    drug: Drug,
    warehouse: Warehouse,
    quantity: int = 100,
    expiry_days: int = 365,
    lot_number: str | None = None,
) -> Lot:
    """A lot received through the ledger; ``expiry_days`` may be negative (back-dated)."""
    today = timezone.localdate()
    expiry = today + timedelta(days=expiry_days)
    number = lot_number or f"L{Lot.objects.count() + 1:05d}-{drug.pk}"
    receipt_create(
        warehouse_id=warehouse.pk,
        lines=[ReceiptLineIn(drug.pk, number, expiry, quantity)],
        actor="test",
        owner_org=None,
        as_of=min(today, expiry),
    )
    return Lot.objects.get(warehouse=warehouse, drug=drug, lot_number=number)
