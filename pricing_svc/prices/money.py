"""Money in the pricing service: how it is stored, validated and rounded.

Amounts are ``Decimal`` everywhere, never float, stored as every service stores them
(``common.money``: ``DecimalField(20, 4)`` next to an ISO 4217 currency code).

The one rounding rule (ROUND_HALF_UP, applied once, at the edge):

* Every step in between (contract price, percent and amount discounts, tiers) is computed
  exactly, unrounded.
* ``unit_price`` is that exact unit price rounded half-up to 0.0001, the stored precision
  (a tablet's price may be a fraction of a cent).
* ``line_total`` is the exact unit price times the quantity, rounded half-up to cents; it is
  computed from the exact unit price, not from the rounded one.
* ``total`` is the sum of the line totals, so it always equals what the lines add up to.
* A chargeback amount, (list - contract) x quantity, is rounded half-up to cents the same way.
"""

from decimal import ROUND_HALF_UP, Decimal

from rest_framework import serializers

CENT = Decimal("0.01")
UNIT_PRECISION = Decimal("0.0001")
ZERO = Decimal("0")

# Inputs are bounded so that no line total or quote total can overflow DecimalField(20, 4):
# a unit price below 10^8 times at most 10^6 units, times at most 100 lines, stays < 10^16.
MAX_UNIT_PRICE_DIGITS = 12
MAX_QUANTITY = 1_000_000
MAX_QUOTE_LINES = 100


def price_input(**kwargs) -> serializers.DecimalField:
    """A non-negative price as a client may send it."""
    return serializers.DecimalField(
        max_digits=MAX_UNIT_PRICE_DIGITS, decimal_places=4, min_value=ZERO, **kwargs
    )


def currency_input(**kwargs) -> serializers.RegexField:
    return serializers.RegexField(
        r"^[A-Z]{3}$",
        max_length=3,
        error_messages={"invalid": "A currency is an ISO 4217 code, e.g. USD."},
        **kwargs,
    )


def round_unit_price(amount: Decimal) -> Decimal:
    return amount.quantize(UNIT_PRECISION, rounding=ROUND_HALF_UP)


def round_total(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(*, exact_unit_price: Decimal, quantity: int) -> Decimal:
    return round_total(exact_unit_price * quantity)
