"""The price of one quote line, and why: pure functions over plain values (no database).

Precedence (API.md): the contract price in force beats the list price; discount rules then
apply in priority order (lower number first, then lower id); a non-stackable rule that
applies stops the chain; the price never goes below zero. Every step that set or changed the
price is returned, in order, so a quote explains itself.

Arithmetic is exact (Decimal, 60 significant digits) until the edge; see ``prices.money``
for the one rounding rule.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from prices.money import line_total, round_unit_price

PRECISION = 60
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Tier:
    min_quantity: int
    percent: Decimal


@dataclass(frozen=True)
class RuleSpec:
    id: int
    name: str
    kind: str  # percent | amount | tier
    value: Decimal | None
    priority: int = 100
    stackable: bool = True
    currency: str = "USD"
    tiers: tuple[Tier, ...] = ()
    drug: int | None = None  # None: any drug


@dataclass(frozen=True)
class StartPrice:
    """Where a line's price starts: a list price or a contract price."""

    source: str  # list | contract
    id: int
    name: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Step:
    source: str  # list | contract | rule
    id: int
    description: str
    unit_price_after: Decimal  # exact


@dataclass(frozen=True)
class PricedLine:
    drug: int
    quantity: int
    currency: str
    list_price: Decimal | None
    exact_unit_price: Decimal
    unit_price: Decimal
    line_total: Decimal
    applied: tuple[Step, ...] = field(default_factory=tuple)


def _plain(number: Decimal) -> str:
    """``10.5000`` → ``10.5``, never in exponent notation."""
    return format(number.normalize(), "f")


def _tier_for(rule: RuleSpec, quantity: int) -> Tier | None:
    reached = [tier for tier in rule.tiers if tier.min_quantity <= quantity]
    return max(reached, key=lambda tier: tier.min_quantity) if reached else None


def _discount(rule: RuleSpec, price: Decimal, quantity: int, currency: str):
    """``(amount off one unit, description)``, or None when the rule does not apply."""
    if rule.kind == "percent":
        return price * rule.value / HUNDRED, f"{rule.name}: {_plain(rule.value)}% off"
    if rule.kind == "amount":
        if rule.currency != currency:
            return None  # an amount in another currency cannot be taken off
        return rule.value, f"{rule.name}: {_plain(rule.value)} {currency} off each unit"
    tier = _tier_for(rule, quantity)
    if tier is None:
        return None
    description = f"{rule.name}: {_plain(tier.percent)}% off at {tier.min_quantity}+ units"
    return price * tier.percent / HUNDRED, description


def apply_rules(
    *, price: Decimal, quantity: int, currency: str, rules: Sequence[RuleSpec]
) -> tuple[Decimal, list[Step]]:
    """Apply ``rules`` in priority order to a unit price; the exact result and its steps."""
    steps: list[Step] = []
    with localcontext() as context:
        context.prec = PRECISION
        for rule in sorted(rules, key=lambda r: (r.priority, r.id)):
            found = _discount(rule, price, quantity, currency)
            if found is None:
                continue
            off, description = found
            if off > price:
                off = price
                description += " (capped: a price never goes below zero)"
            price = price - off
            steps.append(Step("rule", rule.id, description, price))
            if not rule.stackable:
                break
    return price, steps


def price_line(
    *,
    drug: int,
    quantity: int,
    list_price: StartPrice | None,
    contract_price: StartPrice | None,
    rules: Sequence[RuleSpec],
) -> PricedLine:
    """Price one line. The caller makes sure at least one start price exists."""
    steps = [
        Step(
            begin.source,
            begin.id,
            f"{begin.name}: {_plain(begin.amount)} {begin.currency}",
            begin.amount,
        )
        for begin in (list_price, contract_price)
        if begin is not None
    ]
    start = contract_price or list_price
    exact, rule_steps = apply_rules(
        price=start.amount,
        quantity=quantity,
        currency=start.currency,
        rules=[rule for rule in rules if rule.drug in (None, drug)],
    )
    return PricedLine(
        drug=drug,
        quantity=quantity,
        currency=start.currency,
        list_price=list_price.amount if list_price else None,
        exact_unit_price=exact,
        unit_price=round_unit_price(exact),
        line_total=line_total(exact_unit_price=exact, quantity=quantity),
        applied=(*steps, *rule_steps),
    )
