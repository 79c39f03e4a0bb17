"""What a scanner reads off a package: GS1 element strings, decoded by ``biip``.

A 2D DataMatrix on a US drug package (DSCSA) carries the product identifier as AIs
(01) GTIN-14, (17) expiry YYMMDD, (10) lot and (21) serial. Scanners send it either raw — the
AIs run together, a variable-length field ended by the group separator (0x1D), sometimes after
a symbology identifier such as ``]d2`` — or people type the human-readable form with the AIs
in parentheses. Both come out as one :class:`ProductIdentifier`, or a 400 with a stable code.
"""

import re
from dataclasses import dataclass
from datetime import date

from biip import ParseError
from biip.gs1_messages import GS1Message

from common.errors import ValidationFailed

GROUP_SEPARATOR = "\x1d"
# ISO/IEC 15424 symbology identifiers (``]d2`` DataMatrix, ``]C1`` GS1-128, ``]Q3`` QR,
# ``]e0`` DataBar) that scanners may put in front of the data.
SYMBOLOGY_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
# Scanners configured to print the separator show it as one of these.
SEPARATOR_STAND_INS = ("<GS>", "\\x1d", "␝")
MAX_BARCODE_LENGTH = 200


@dataclass(frozen=True)
class ProductIdentifier:
    gtin: str
    lot_number: str | None
    expiry_date: date | None
    serial: str | None

    @property
    def hri(self) -> str:
        """The human-readable form, AIs in parentheses, in the canonical order."""
        parts = [("01", self.gtin)]
        if self.expiry_date is not None:
            parts.append(("17", self.expiry_date.strftime("%y%m%d")))
        if self.lot_number is not None:
            parts.append(("10", self.lot_number))
        if self.serial is not None:
            parts.append(("21", self.serial))
        return "".join(f"({ai}){value}" for ai, value in parts)


def barcode_refused(code: str, message: str, field: str = "barcode") -> ValidationFailed:
    return ValidationFailed(message, code=code, extra={"errors": {field: [message]}})


def _message(barcode: str) -> GS1Message:
    text = barcode.strip()
    for stand_in in SEPARATOR_STAND_INS:
        text = text.replace(stand_in, GROUP_SEPARATOR)
    text = SYMBOLOGY_PREFIX.sub("", text).lstrip(GROUP_SEPARATOR)  # a leading FNC1, too
    try:
        if text.startswith("("):
            return GS1Message.parse_hri(text)
        return GS1Message.parse(text)
    except (ParseError, ValueError) as exc:
        raise barcode_refused(
            "invalid_barcode", f"Not a GS1 element string the platform can read: {exc}"
        ) from exc


def product_identifier(barcode: str) -> ProductIdentifier:
    """The GTIN, lot, expiry and serial a scan names.

    Codes: ``invalid_barcode`` (unreadable, or an AI with a malformed value such as month 13),
    ``bad_check_digit`` (the GTIN's mod-10 check digit is wrong), ``missing_gtin`` (no (01)).
    """
    if len(barcode) > MAX_BARCODE_LENGTH:
        raise barcode_refused("invalid_barcode", "A package's barcode is shorter than that.")
    elements = _message(barcode).element_strings
    gtin_element = elements.get(ai="01")
    if gtin_element is None:
        raise barcode_refused("missing_gtin", "The barcode names no GTIN (AI 01).")
    if gtin_element.gtin is None:
        raise barcode_refused(
            "bad_check_digit",
            f"GTIN {gtin_element.value} has a wrong check digit: {gtin_element.gtin_error}",
        )
    expiry, lot, serial = (elements.get(ai=ai) for ai in ("17", "10", "21"))
    return ProductIdentifier(
        gtin=gtin_element.value,
        lot_number=lot.value if lot else None,
        expiry_date=expiry.date if expiry else None,
        serial=serial.value if serial else None,
    )
