"""Reads behind scans and package verification: which drug a GTIN is, what the catalog knows
of a lot number and of a serialized package, as of today."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from catalog.models import Drug
from common.errors import ValidationFailed
from inventory.models import Lot, LotStatus, SerialNumber
from inventory.selectors import effective_status
from inventory.services import ReceiptLineIn
from scanning.gs1 import ProductIdentifier, barcode_refused, product_identifier

# When one lot number is on file in several warehouses, the package is as good as the worst.
STATUS_RANK = [LotStatus.AVAILABLE, LotStatus.QUARANTINED, LotStatus.EXPIRED, LotStatus.RECALLED]
BUYER_ROLES = {"hospital", "pharmacy", "pharmacist"}


@dataclass(frozen=True)
class LotOnFile:
    lot_number: str
    expiry_date: date
    status: str  # the worst status of the lot number's rows, as of today

    @property
    def sellable(self) -> bool:
        return self.status == LotStatus.AVAILABLE


@dataclass(frozen=True)
class Scan:
    identifier: ProductIdentifier
    drug: Drug
    lot: LotOnFile | None  # None: no lot of that number (or the scan names none)
    serial_status: str | None  # in_stock, shipped, unknown; None: the scan names no serial

    @property
    def sellable(self) -> bool:
        return self.lot is not None and self.lot.sellable


def drug_by_gtin(gtin: str, field: str = "barcode") -> Drug:
    drug = Drug.objects.filter(gtin=gtin).first()
    if drug is None:
        raise barcode_refused("unknown_gtin", f"GTIN {gtin} is not in the catalog.", field)
    return drug


def lot_on_file(*, drug: Drug, lot_number: str) -> LotOnFile | None:
    """The lot number's rows across warehouses (one drug's lot is one manufacturing batch)."""
    rows = list(
        Lot.objects.filter(drug=drug, lot_number=lot_number)
        .annotate(current_status=effective_status(timezone.localdate()))
        .values_list("expiry_date", "current_status")
    )
    if not rows:
        return None
    status = max((status for _, status in rows), key=STATUS_RANK.index)
    return LotOnFile(lot_number=lot_number, expiry_date=rows[0][0], status=status)


def _expiry_check(identifier: ProductIdentifier, lot: LotOnFile | None, field: str) -> None:
    if lot is not None and identifier.expiry_date not in (None, lot.expiry_date):
        raise barcode_refused(
            "lot_expiry_mismatch",
            f"Lot {lot.lot_number} is on file with expiry {lot.expiry_date}, "
            f"not {identifier.expiry_date}.",
            field,
        )


def scan_resolve(*, barcode: str) -> Scan:
    """The drug, lot, expiry and serial a scan names, and whether that lot may be sold.

    400 codes: those of ``product_identifier``, ``unknown_gtin``, ``lot_expiry_mismatch``."""
    identifier = product_identifier(barcode)
    drug = drug_by_gtin(identifier.gtin)
    lot = None
    if identifier.lot_number is not None:
        lot = lot_on_file(drug=drug, lot_number=identifier.lot_number)
        _expiry_check(identifier, lot, "barcode")
    serial_status = None
    if identifier.serial is not None:
        found = SerialNumber.objects.filter(drug=drug, serial=identifier.serial).first()
        serial_status = found.status if found else "unknown"
    return Scan(identifier=identifier, drug=drug, lot=lot, serial_status=serial_status)


def receipt_line_from_scan(
    *, barcode: str, quantity: int | None, serials: list[str] | None
) -> ReceiptLineIn:
    """A receipt line from a scanned package: the barcode's lot and expiry must be there, and
    a serial it names is that package's (then the line is one package unless more serials
    are listed). An expiry against the lot on file is refused (``lot_expiry_mismatch``)."""
    identifier = product_identifier(barcode)
    if identifier.lot_number is None or identifier.expiry_date is None:
        raise barcode_refused(
            "incomplete_barcode", "A received package's barcode names its lot and expiry."
        )
    drug = drug_by_gtin(identifier.gtin)
    _expiry_check(identifier, lot_on_file(drug=drug, lot_number=identifier.lot_number), "barcode")
    listed = list(serials or ([identifier.serial] if identifier.serial else []))
    if identifier.serial and identifier.serial not in listed:
        listed.insert(0, identifier.serial)
    count = quantity if quantity is not None else len(listed)
    if not count:
        raise ValidationFailed(
            "Say how many packages, or list their serials.",
            code="invalid_quantity",
            extra={"errors": {"quantity": ["This field is required."]}},
        )
    return ReceiptLineIn(
        drug=drug.pk,
        lot_number=identifier.lot_number,
        expiry_date=identifier.expiry_date,
        quantity=count,
        serials=tuple(listed),
    )
