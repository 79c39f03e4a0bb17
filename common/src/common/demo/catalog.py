"""The demo drug catalog (``drugs.csv``), shared by the seeds of catalog_svc and pricing_svc.

Catalog creates one drug per row with exactly the row's ``id``; pricing puts ``list_price``
on its list price for that drug id. Quantities throughout the platform count sellable packs
(``pack_size`` of ``unit``), so ``list_price`` is the wholesale acquisition cost (WAC) of one
pack, in USD. The NDCs use real labeler codes; product and package codes are made up.
"""

import csv
import functools
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

CURRENCY = "USD"


@dataclass(frozen=True)
class DemoDrug:
    id: int
    ndc: str
    gtin: str
    name: str
    generic_name: str
    strength: str
    dosage_form: str
    manufacturer: str
    schedule: str  # "" or "CII".."CV"
    rx_only: bool
    cold_chain: bool
    pack_size: int
    unit: str
    reorder_point: int
    list_price: Decimal  # WAC of one pack, in CURRENCY


def _row(raw: dict[str, str]) -> DemoDrug:
    return DemoDrug(
        id=int(raw["id"]),
        ndc=raw["ndc"],
        gtin=raw["gtin"],
        name=raw["name"],
        generic_name=raw["generic_name"],
        strength=raw["strength"],
        dosage_form=raw["dosage_form"],
        manufacturer=raw["manufacturer"],
        schedule=raw["schedule"],
        rx_only=raw["rx_only"] == "true",
        cold_chain=raw["cold_chain"] == "true",
        pack_size=int(raw["pack_size"]),
        unit=raw["unit"],
        reorder_point=int(raw["reorder_point"]),
        list_price=Decimal(raw["list_price"]),
    )


@functools.cache
def drugs() -> tuple[DemoDrug, ...]:
    """Every demo drug, in id order (ids run from 1 without gaps)."""
    source = resources.files("common.demo").joinpath("drugs.csv")
    with source.open(encoding="utf-8", newline="") as handle:
        return tuple(_row(raw) for raw in csv.DictReader(handle))
