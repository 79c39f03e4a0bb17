"""The pricing engine on its own: precedence, stacking, the zero floor, rounding, and
properties that must hold for any basket (Hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prices.money import line_total, round_total, round_unit_price
from quotes.engine import RuleSpec, StartPrice, Tier, apply_rules, price_line

D = Decimal
LIST = StartPrice("list", 1, "List price (WAC)", D("10.00"), "USD")
CONTRACT = StartPrice("contract", 7, "Contract 'GPO'", D("8.00"), "USD")


def percent(rule_id, value, priority=100, stackable=True, drug=None):
    return RuleSpec(rule_id, f"{value}% rule", "percent", D(value), priority, stackable, drug=drug)


def amount(rule_id, value, priority=100, stackable=True, currency="USD"):
    return RuleSpec(rule_id, f"{value} off", "amount", D(value), priority, stackable, currency)


def tiers(rule_id, *steps, priority=100, stackable=True):
    levels = tuple(Tier(quantity, D(pct)) for quantity, pct in steps)
    return RuleSpec(rule_id, "Volume", "tier", None, priority, stackable, tiers=levels)


def quote(rules=(), quantity=1, list_price=LIST, contract_price=None):
    return price_line(
        drug=1,
        quantity=quantity,
        list_price=list_price,
        contract_price=contract_price,
        rules=list(rules),
    )


# (case, contract?, rules, quantity, expected unit price, expected sources in order)
PRECEDENCE = [
    ("list price only", False, [], 1, "10.0000", ["list"]),
    ("contract beats list", True, [], 1, "8.0000", ["list", "contract"]),
    (
        "rule applies on the contract price",
        True,
        [percent(1, 10)],
        1,
        "7.2000",
        ["list", "contract", "rule"],
    ),
    (
        "tier below its threshold does nothing",
        True,
        [tiers(2, (10, 5))],
        9,
        "8.0000",
        ["list", "contract"],
    ),
    (
        "tier at its threshold applies",
        True,
        [tiers(2, (10, 5))],
        10,
        "7.6000",
        ["list", "contract", "rule"],
    ),
    (
        "highest reached tier wins",
        False,
        [tiers(2, (10, 5), (50, 10), (100, 20))],
        60,
        "9.0000",
        ["list", "rule"],
    ),
    (
        "stackable rules compound in priority order",
        False,
        [percent(1, 10, priority=2), amount(2, "1", priority=1)],
        1,
        "8.1000",
        ["list", "rule", "rule"],
    ),
    (
        "a non-stackable rule stops the chain",
        False,
        [percent(1, 10, priority=1, stackable=False), percent(2, 50, priority=2)],
        1,
        "9.0000",
        ["list", "rule"],
    ),
    (
        "a non-stackable rule that does not apply stops nothing",
        False,
        [tiers(1, (100, 50), priority=1, stackable=False), percent(2, 10, priority=2)],
        5,
        "9.0000",
        ["list", "rule"],
    ),
    (
        "equal priorities go by id",
        False,
        [percent(9, 50, stackable=False), percent(3, 10, stackable=False)],
        1,
        "9.0000",
        ["list", "rule"],
    ),
    (
        "an amount bigger than the price floors at zero",
        False,
        [amount(1, "25")],
        1,
        "0.0000",
        ["list", "rule"],
    ),
    (
        "nothing goes below zero after the floor",
        False,
        [amount(1, "25", priority=1), amount(2, "5", priority=2)],
        1,
        "0.0000",
        ["list", "rule", "rule"],
    ),
    (
        "100 percent off is free, not negative",
        True,
        [percent(1, 100)],
        3,
        "0.0000",
        ["list", "contract", "rule"],
    ),
    (
        "an amount in another currency does not apply",
        False,
        [amount(1, "1", currency="EUR")],
        1,
        "10.0000",
        ["list"],
    ),
    (
        "a rule for another drug does not apply",
        False,
        [percent(1, 10, drug=2)],
        1,
        "10.0000",
        ["list"],
    ),
    (
        "a rule for this drug applies",
        False,
        [percent(1, 10, drug=1)],
        1,
        "9.0000",
        ["list", "rule"],
    ),
]


@pytest.mark.parametrize(
    ("contract", "rules", "quantity", "unit_price", "sources"),
    [case[1:] for case in PRECEDENCE],
    ids=[case[0] for case in PRECEDENCE],
)
def test_precedence(contract, rules, quantity, unit_price, sources):
    line = quote(rules, quantity, contract_price=CONTRACT if contract else None)
    assert line.unit_price == D(unit_price)
    assert [step.source for step in line.applied] == sources
    assert line.line_total == round_total(D(unit_price) * quantity)


def test_a_contract_price_without_a_list_price_still_prices_the_line():
    line = quote(list_price=None, contract_price=CONTRACT)
    assert line.list_price is None
    assert line.unit_price == D("8.0000")
    assert [step.source for step in line.applied] == ["contract"]


def test_every_step_says_what_it_did():
    line = quote([tiers(4, (10, 5))], 12, contract_price=CONTRACT)
    assert [(step.source, step.id, step.description) for step in line.applied] == [
        ("list", 1, "List price (WAC): 10 USD"),
        ("contract", 7, "Contract 'GPO': 8 USD"),
        ("rule", 4, "Volume: 5% off at 10+ units"),
    ]
    capped = quote([amount(5, "12.5")]).applied[-1]
    assert (
        capped.description
        == "12.5 off: 12.5 USD off each unit (capped: a price never goes below zero)"
    )


# Rounding: ROUND_HALF_UP, once, at the edge (prices.money).
ROUNDING = [
    ("half a cent rounds up, not to even", "1.005", 1, "1.0050", "1.01"),
    ("just under half a cent rounds down", "1.0049", 1, "1.0049", "1.00"),
    ("0.125 rounds up to 0.13 (banker's would give 0.12)", "0.125", 1, "0.1250", "0.13"),
    ("the line total is rounded, not the unit price times quantity", "0.0049", 3, "0.0049", "0.01"),
    ("sub-cent unit prices add up before rounding", "0.0123", 1000, "0.0123", "12.30"),
]


@pytest.mark.parametrize(
    ("price", "quantity", "unit_price", "total"),
    [case[1:] for case in ROUNDING],
    ids=[case[0] for case in ROUNDING],
)
def test_rounding_edges(price, quantity, unit_price, total):
    start = StartPrice("list", 1, "List", D(price), "USD")
    line = quote(list_price=start, quantity=quantity)
    assert line.unit_price == D(unit_price)
    assert line.line_total == D(total)


def test_a_third_off_rounds_once_from_the_exact_price():
    # 10 x (1 - 33.3333%) = 6.66667 exactly; 3 units = 20.00001 -> 20.00, not 3 x 6.67 = 20.01.
    line = quote([percent(1, "33.3333")], 3)
    assert line.exact_unit_price == D("6.666670000")
    assert line.unit_price == D("6.6667")
    assert line.line_total == D("20.00")


def test_one_third_of_a_percent_off():
    # 10 x (1 - 0.3333%) = 9.966670 -> unit 9.9667; 7 units = 69.76669 -> 69.77.
    line = quote([percent(1, "0.3333")], 7)
    assert line.unit_price == D("9.9667")
    assert line.line_total == D("69.77")


def test_compounding_thirds_stay_exact_until_the_edge():
    rules = [percent(i, "33.3333", priority=i) for i in range(1, 4)]
    price, _ = apply_rules(price=D("100"), quantity=1, currency="USD", rules=rules)
    assert price == D("100") * (D("0.666667") ** 3)  # no intermediate rounding
    assert round_unit_price(price) == D("29.6297")


# Properties over any basket.
prices = st.decimals(min_value=D("0"), max_value=D("99999.9999"), places=4)
percents = st.decimals(min_value=D("0.0001"), max_value=D("100"), places=4)
quantities = st.integers(min_value=1, max_value=10_000)


@st.composite
def rule_specs(draw):
    kind = draw(st.sampled_from(["percent", "amount", "tier"]))
    rule_id = draw(st.integers(min_value=1, max_value=1000))
    priority = draw(st.integers(min_value=0, max_value=5))
    stackable = draw(st.booleans())
    if kind == "tier":
        steps = draw(st.lists(st.tuples(quantities, percents), min_size=1, max_size=3))
        levels = tuple(Tier(q, p) for q, p in dict(steps).items())
        return RuleSpec(rule_id, "tier", "tier", None, priority, stackable, tiers=levels)
    value = draw(percents if kind == "percent" else prices.filter(lambda v: v > 0))
    return RuleSpec(rule_id, kind, kind, value, priority, stackable)


@given(
    lines=st.lists(st.tuples(prices, quantities), min_size=1, max_size=20),
    rules=st.lists(rule_specs(), max_size=5),
)
def test_the_total_is_the_sum_of_the_lines_and_nothing_is_negative(lines, rules):
    priced = [
        quote(rules, quantity, StartPrice("list", 1, "L", price, "USD"))
        for price, quantity in lines
    ]
    for line in priced:
        assert D(0) <= line.unit_price <= round_unit_price(line.applied[0].unit_price_after)
        assert line.line_total >= 0
        assert line.line_total == line_total(
            exact_unit_price=line.exact_unit_price, quantity=line.quantity
        )
        assert line.line_total == line.line_total.quantize(D("0.01"))
    total = sum(line.line_total for line in priced)
    assert total == sum(round_total(line.exact_unit_price * line.quantity) for line in priced)


@given(
    price=prices,
    quantity=quantities,
    smaller=percents,
    extra=st.decimals(min_value=D("0"), max_value=D("100"), places=4),
    others=st.lists(rule_specs(), max_size=4),
)
def test_a_bigger_discount_never_raises_the_price(price, quantity, smaller, extra, others):
    bigger = min(smaller + extra, D(100))
    start = StartPrice("list", 1, "L", price, "USD")
    low = quote([*others, percent(2000, smaller)], quantity, start)
    high = quote([*others, percent(2000, bigger)], quantity, start)
    assert high.exact_unit_price <= low.exact_unit_price
    assert high.line_total <= low.line_total


@given(
    price=prices,
    quantity=quantities,
    off=prices,
    more=prices,
    others=st.lists(rule_specs(), max_size=4),
)
def test_a_bigger_amount_off_never_raises_the_price(price, quantity, off, more, others):
    start = StartPrice("list", 1, "L", price, "USD")
    low = quote([*others, amount(2000, off + D("0.0001"))], quantity, start)
    high = quote([*others, amount(2000, off + more + D("0.0001"))], quantity, start)
    assert high.exact_unit_price <= low.exact_unit_price
    assert high.line_total <= low.line_total


@given(
    price=prices,
    first=quantities,
    gap=quantities,
    low=percents,
    raise_by=st.decimals(min_value=D("0"), max_value=D("100"), places=4),
    bought=st.lists(quantities, min_size=2, max_size=2),
)
def test_buying_more_never_raises_the_unit_price_under_rising_tiers(
    price, first, gap, low, raise_by, bought
):
    rule = tiers(1, (first, low), (first + gap, min(low + raise_by, D(100))))
    start = StartPrice("list", 1, "L", price, "USD")
    fewer, more = sorted(bought)
    assert quote([rule], more, start).unit_price <= quote([rule], fewer, start).unit_price
