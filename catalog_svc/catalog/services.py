"""Writes to the catalog: drugs and warehouses.

Identifier rules (NDC layout, GTIN check digit, uniqueness) are checked here, so the API and
the admin site refuse the same things with the same codes.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction

from catalog.identifiers import NDC_HELP, gtin_is_valid, ndc_to_11
from catalog.models import Drug, Schedule, Warehouse
from catalog.search import search_terms_refresh
from common.errors import Conflict, ValidationFailed

# The fields a PATCH may change; everything else is derived or fixed.
DRUG_EDITABLE_FIELDS = (
    "ndc",
    "gtin",
    "name",
    "generic_name",
    "strength",
    "dosage_form",
    "manufacturer",
    "schedule",
    "rx_only",
    "cold_chain",
    "pack_size",
    "unit",
    "reorder_point",
    "list_price",
    "active",
)
_UNIQUE_CONFLICTS = {
    "catalog_drug_ndc_unique": ("duplicate_ndc", "A drug with this NDC is already in the catalog."),
    "catalog_drug_gtin_unique": (
        "duplicate_gtin",
        "A drug with this GTIN is already in the catalog.",
    ),
    "catalog_warehouse_name_unique": (
        "duplicate_warehouse",
        "This organization already has a warehouse with that name.",
    ),
}


def _field_error(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, extra={"errors": {field: [message]}})


def drug_validate(*, drug: Drug) -> None:
    """Check a drug's identifiers and schedule (400) and that they are not taken (409)."""
    try:
        drug.ndc11 = ndc_to_11(drug.ndc)
    except ValueError:
        raise _field_error("ndc", "invalid_ndc", f"Expected {NDC_HELP}.") from None
    drug.ndc = drug.ndc.strip()
    if not gtin_is_valid(drug.gtin):
        raise _field_error(
            "gtin", "invalid_gtin", "A GTIN-14 is 14 digits ending in a valid GS1 check digit."
        )
    if drug.schedule not in Schedule.values:
        raise _field_error("schedule", "invalid_schedule", "Unknown DEA schedule.")
    others = Drug.objects.exclude(pk=drug.pk)
    if others.filter(ndc11=drug.ndc11).exists():
        raise Conflict(_UNIQUE_CONFLICTS["catalog_drug_ndc_unique"][1], code="duplicate_ndc")
    if others.filter(gtin=drug.gtin).exists():
        raise Conflict(_UNIQUE_CONFLICTS["catalog_drug_gtin_unique"][1], code="duplicate_gtin")


def _save_unique(instance, **save_kwargs) -> None:
    """Save, turning a lost uniqueness race into the same 409 the pre-check gives."""
    try:
        with transaction.atomic():
            instance.save(**save_kwargs)
    except IntegrityError as exc:
        for constraint, (code, message) in _UNIQUE_CONFLICTS.items():
            if constraint in str(exc):
                raise Conflict(message, code=code) from exc
        raise


def drug_create(
    *,
    ndc: str,
    gtin: str,
    name: str,
    generic_name: str,
    strength: str = "",
    dosage_form: str = "",
    manufacturer: str = "",
    schedule: str = "",
    rx_only: bool = True,
    cold_chain: bool = False,
    pack_size: int = 1,
    unit: str = "each",
    reorder_point: int = 0,
    list_price: Decimal | None = None,
    active: bool = True,
) -> Drug:
    """Add a drug; malformed identifiers → 400, an NDC or GTIN already listed → 409."""
    drug = Drug(
        ndc=ndc,
        gtin=gtin,
        name=name,
        generic_name=generic_name,
        strength=strength,
        dosage_form=dosage_form,
        manufacturer=manufacturer,
        schedule=schedule,
        rx_only=rx_only,
        cold_chain=cold_chain,
        pack_size=pack_size,
        unit=unit,
        reorder_point=reorder_point,
        list_price=list_price,
        active=active,
    )
    drug_validate(drug=drug)
    _save_unique(drug)
    search_terms_refresh(drug_ids=[drug.pk])
    return drug


def drug_update(*, drug: Drug, changes: dict) -> Drug:
    """Change some of a drug's fields (those in ``DRUG_EDITABLE_FIELDS``), re-validated."""
    unknown = set(changes).difference(DRUG_EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(f"Not editable: {', '.join(sorted(unknown))}.", code="not_editable")
    for field, value in changes.items():
        setattr(drug, field, value)
    drug_validate(drug=drug)
    _save_unique(drug, update_fields=[*changes, "ndc11", "updated_at"])
    if {"name", "generic_name"} & set(changes):
        search_terms_refresh(drug_ids=[drug.pk])
    return drug


def warehouse_create(*, name: str, owner_org: int, address: str = "") -> Warehouse:
    """A new warehouse of the distributor ``owner_org``; its name is unique within the org."""
    if not name.strip():
        raise _field_error("name", "invalid", "A warehouse needs a name.")
    warehouse = Warehouse(name=name.strip(), owner_org=owner_org, address=address)
    _save_unique(warehouse)
    return warehouse
