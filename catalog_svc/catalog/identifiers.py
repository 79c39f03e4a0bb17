"""Drug identifiers: the NDC (FDA National Drug Code) and the GS1 GTIN-14.

An NDC is printed in one of three 10-digit layouts (labeler-product-package: 4-4-2, 5-3-2,
5-4-1) or in the 11-digit 5-4-2 layout that billing systems use. The same product can be
written either way, so uniqueness and search use the 11-digit form, zero-padded per segment.
"""

import re

# One pattern per layout; the hyphens are what tell the layouts apart.
NDC_LAYOUTS = {
    "4-4-2": re.compile(r"^(\d{4})-(\d{4})-(\d{2})$"),
    "5-3-2": re.compile(r"^(\d{5})-(\d{3})-(\d{2})$"),
    "5-4-1": re.compile(r"^(\d{5})-(\d{4})-(\d{1})$"),
    "5-4-2": re.compile(r"^(\d{5})-(\d{4})-(\d{2})$"),
}
NDC_HELP = "an NDC as 4-4-2, 5-3-2 or 5-4-1 digits with hyphens, or 11 digits as 5-4-2"


def ndc_to_11(ndc: str) -> str:
    """The 11-digit (5-4-2) form of an NDC, digits only; ``ValueError`` if malformed."""
    for match in (pattern.match(ndc.strip()) for pattern in NDC_LAYOUTS.values()):
        if match:
            labeler, product, package = match.groups()
            return labeler.zfill(5) + product.zfill(4) + package.zfill(2)
    raise ValueError(f"Expected {NDC_HELP}.")


def gtin_check_digit(body: str) -> str:
    """GS1 mod-10 check digit of ``body`` (the GTIN without its last digit)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def gtin_is_valid(gtin: str) -> bool:
    return len(gtin) == 14 and gtin.isdigit() and gtin_check_digit(gtin[:-1]) == gtin[-1]


def search_digits(query: str) -> str | None:
    """The digits of a query that looks like an NDC or GTIN (digits and hyphens), else None."""
    if re.fullmatch(r"[\d\-\s]+", query):
        digits = re.sub(r"\D", "", query)
        return digits or None
    return None
