"""NDC layouts and GTIN-14 check digits."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.identifiers import gtin_check_digit, gtin_is_valid, ndc_to_11, search_digits


@pytest.mark.parametrize(
    ("ndc", "eleven"),
    [
        ("0093-5558-29", "00093555829"),  # 4-4-2
        ("68180-936-48", "68180093648"),  # 5-3-2
        ("63323-8402-4", "63323840204"),  # 5-4-1
        ("00093-5558-29", "00093555829"),  # 11-digit 5-4-2: the same product as 4-4-2
    ],
)
def test_every_layout_maps_to_its_11_digit_form(ndc, eleven):
    assert ndc_to_11(ndc) == eleven


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "0093555829",
        "0093-5558-2",
        "093-5558-29",
        "0093-5558-299",
        "abcd-efgh-ij",
        "0093 5558 29",
    ],
)
def test_malformed_ndcs_are_refused(bad):
    with pytest.raises(ValueError, match="NDC"):
        ndc_to_11(bad)


def test_gtin_check_digit_of_a_real_package():
    assert gtin_is_valid("00300935558295")
    assert not gtin_is_valid("00300935558296")
    assert not gtin_is_valid("0030093555829")  # 13 digits
    assert not gtin_is_valid("0030093555829X")


@given(st.text(alphabet="0123456789", min_size=13, max_size=13), st.integers(0, 12))
def test_any_single_digit_error_breaks_the_check_digit(body, position):
    gtin = body + gtin_check_digit(body)
    assert gtin_is_valid(gtin)
    wrong = str((int(gtin[position]) + 1) % 10)
    assert not gtin_is_valid(gtin[:position] + wrong + gtin[position + 1 :])


def test_search_digits_recognises_identifier_queries():
    assert search_digits("0093-5558") == "00935558"
    assert search_digits("00300935558295") == "00300935558295"
    assert search_digits("atorva") is None
    assert search_digits("atorvastatin 20") is None
