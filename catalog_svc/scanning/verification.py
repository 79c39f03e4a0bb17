"""Is this package genuine, and may it be sold? The check a pharmacy or hospital runs before
taking back a saleable return, and a distributor before putting a return back on the shelf.

Genuine means: the GTIN is in the catalog, the lot is on file with that expiry, and — when the
package carries a serial — the serial is on file, in that lot, and (for a buyer) was shipped to
the asker's own organization: a serial that went to someone else, or never left the
warehouse, cannot be in the asker's hands legitimately. Sellable means genuine and the lot is
available (not recalled, quarantined or expired).
"""

from dataclasses import dataclass
from datetime import date

from catalog.identifiers import gtin_is_valid
from catalog.models import Drug
from common.authentication import Principal
from common.errors import ValidationFailed
from inventory.models import LotStatus, SerialNumber, SerialStatus
from scanning.selectors import BUYER_ROLES, LotOnFile, lot_on_file

# Reasons a package is not sellable; the first five also say it is not genuine.
NOT_GENUINE = {
    "unknown_product",
    "unknown_lot",
    "expiry_mismatch",
    "unknown_serial",
    "serial_lot_mismatch",
    "shipped_to_another",
    "not_shipped",
}
LOT_REASONS = {
    LotStatus.RECALLED: "recalled",
    LotStatus.EXPIRED: "expired",
    LotStatus.QUARANTINED: "quarantined",
}


@dataclass(frozen=True)
class Verification:
    gtin: str
    lot_number: str
    expiry_date: date
    serial: str | None
    drug: Drug | None
    lot: LotOnFile | None
    reason: str | None  # None: genuine and sellable

    @property
    def verified(self) -> bool:
        return self.reason not in NOT_GENUINE

    @property
    def sellable(self) -> bool:
        return self.reason is None


def _serial_reason(*, drug: Drug, serial: str, lot_number: str, asker: Principal) -> str | None:
    found = (
        SerialNumber.objects.filter(drug=drug, serial=serial)
        .select_related("lot", "shipment")
        .first()
    )
    if found is None:
        return "unknown_serial"
    if found.lot.lot_number != lot_number:
        return "serial_lot_mismatch"
    if asker.role in BUYER_ROLES:
        if found.status != SerialStatus.SHIPPED:
            return "not_shipped"
        if found.shipment.buyer_org != asker.org:
            return "shipped_to_another"
    return None


def package_verify(
    *, gtin: str, lot_number: str, expiry_date: date, serial: str | None, asker: Principal
) -> Verification:
    """The verdict on one package's product identifier; 400 ``bad_check_digit`` for a GTIN
    that cannot be one."""
    if not gtin_is_valid(gtin):
        raise ValidationFailed(
            f"{gtin} is not a GTIN-14 with a valid check digit.",
            code="bad_check_digit",
            extra={"errors": {"gtin": ["Wrong check digit or not 14 digits."]}},
        )
    answer = {"gtin": gtin, "lot_number": lot_number, "expiry_date": expiry_date, "serial": serial}
    drug = Drug.objects.filter(gtin=gtin).first()
    if drug is None:
        return Verification(**answer, drug=None, lot=None, reason="unknown_product")
    lot = lot_on_file(drug=drug, lot_number=lot_number)
    if lot is None:
        reason = "unknown_lot"
    elif lot.expiry_date != expiry_date:
        reason = "expiry_mismatch"
    elif serial:
        reason = _serial_reason(drug=drug, serial=serial, lot_number=lot_number, asker=asker)
    else:
        reason = None
    if reason is None and lot is not None:
        reason = LOT_REASONS.get(lot.status)
    return Verification(**answer, drug=drug, lot=lot, reason=reason)
