"""Quoting: price a basket for a buyer organization, store it, keep its prices as fallbacks."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.authentication import Principal
from common.errors import Forbidden, NotFound, ValidationFailed
from common.fallbacks import CachedPrice, remember_good_prices
from contracts.models import ContractItem
from contracts.selectors import contract_prices_on
from discounts.models import DiscountRule
from discounts.selectors import rules_in_force
from prices.models import PriceListItem
from prices.money import ZERO, round_unit_price
from prices.selectors import list_prices_on
from quotes.engine import PricedLine, RuleSpec, StartPrice, Tier, price_line
from quotes.metrics import quotes_total
from quotes.models import Quote, QuoteLine
from quotes.storage import quote_store

PATIENT = "patient"


@dataclass(frozen=True)
class LineIn:
    drug: int
    quantity: int


def _rule_spec(rule: DiscountRule) -> RuleSpec:
    return RuleSpec(
        id=rule.id,
        name=rule.name,
        kind=rule.kind,
        value=rule.value,
        priority=rule.priority,
        stackable=rule.stackable,
        currency=rule.currency,
        tiers=tuple(map(Tier, rule.tier_quantities, rule.tier_percents)),
        drug=rule.drug,
    )


def _list_start(item: PriceListItem | None) -> StartPrice | None:
    if item is None:
        return None
    name = f"List price ({item.price_list.name})"
    return StartPrice("list", item.price_list_id, name, item.unit_price, item.price_list.currency)


def _contract_start(item: ContractItem | None) -> StartPrice | None:
    if item is None:
        return None
    name = f"Contract {item.contract.name!r}"
    return StartPrice("contract", item.contract_id, name, item.unit_price, item.contract.currency)


def _refuse(code: str, detail: str, drugs: list[int], message: str) -> None:
    if drugs:
        raise ValidationFailed(
            f"{detail}: {drugs}.",
            code=code,
            extra={
                "drugs": drugs,
                "errors": {"lines": [message.format(drug=drug) for drug in drugs]},
            },
        )


def price_lines(
    *, buyer_org: int | None, buyer_org_type: str, lines: Sequence[LineIn], now: datetime
) -> list[PricedLine]:
    """Price every line as of ``now``, in three queries whatever the number of lines.

    Raises ``ValidationFailed`` with code ``duplicate_drug`` (a drug on two lines),
    ``no_price`` (a drug with neither a list nor a contract price in force: never priced at
    0) or ``mixed_currency`` (the prices involved are not all in one currency).
    """
    counts = Counter(line.drug for line in lines)
    _refuse(
        "duplicate_drug",
        "Each drug may be quoted once; repeated",
        sorted(drug for drug, count in counts.items() if count > 1),
        "Drug {drug} is on more than one line.",
    )
    today = timezone.localdate(now)
    drugs = list(counts)
    list_items = list_prices_on(drugs=drugs, on=today)
    contract_items = (
        contract_prices_on(buyer_org=buyer_org, drugs=drugs, on=today) if buyer_org else {}
    )
    _refuse(
        "no_price",
        "No price in force for drug(s)",
        [drug for drug in drugs if drug not in list_items and drug not in contract_items],
        "Drug {drug} has no price.",
    )
    starts = {
        drug: (_list_start(list_items.get(drug)), _contract_start(contract_items.get(drug)))
        for drug in drugs
    }
    currencies = {start.currency for pair in starts.values() for start in pair if start}
    _refuse(
        "mixed_currency",
        f"The prices are in several currencies ({', '.join(sorted(currencies))}) for drug(s)",
        drugs if len(currencies) > 1 else [],
        "Drug {drug}: prices in several currencies cannot be quoted together.",
    )
    in_force = rules_in_force(on=today, buyer_org=buyer_org, org_type=buyer_org_type, drugs=drugs)
    rules = [_rule_spec(rule) for rule in in_force]
    return [
        price_line(
            drug=line.drug,
            quantity=line.quantity,
            list_price=starts[line.drug][0],
            contract_price=starts[line.drug][1],
            rules=rules,
        )
        for line in lines
    ]


def _applied_json(line: PricedLine) -> list[dict]:
    return [
        {
            "source": step.source,
            "id": step.id,
            "description": step.description,
            "unit_price_after": str(round_unit_price(step.unit_price_after)),
        }
        for step in line.applied
    ]


def quote_create(
    *,
    buyer_org: int | None,
    buyer_org_type: str,
    lines: Sequence[LineIn],
    requested_by: str,
    now: datetime | None = None,
) -> Quote:
    """Price ``lines`` for ``buyer_org``, store the quote, and keep each line's unit price
    as the last good price for orders' fallback (``common.fallbacks``) once it is committed.

    The quote is valid for ``PRICING_QUOTE_TTL_SECONDS``; its total is the sum of its line
    totals (see ``prices.money`` for rounding). It is returned with its lines, in order.
    """
    now = now or timezone.now()
    try:
        priced = price_lines(
            buyer_org=buyer_org, buyer_org_type=buyer_org_type, lines=lines, now=now
        )
    except ValidationFailed as refused:
        quotes_total.labels(refused.code).inc()
        raise
    quote = Quote(
        buyer_org=buyer_org,
        buyer_org_type=buyer_org_type,
        currency=priced[0].currency,
        total=sum((line.line_total for line in priced), start=ZERO),
        valid_until=now + timedelta(seconds=settings.PRICING_QUOTE_TTL_SECONDS),
        requested_by=requested_by,
    )
    lines_stored = [
        QuoteLine(
            quote=quote,
            position=position,
            drug=line.drug,
            quantity=line.quantity,
            list_price=line.list_price,
            unit_price=line.unit_price,
            line_total=line.line_total,
            applied=_applied_json(line),
        )
        for position, line in enumerate(priced)
    ]
    quote_store(quote, lines_stored)  # one statement: no transaction needed around it
    # As quotes_visible_to reads it (prefetch_related("lines")): answering costs no query.
    quote._prefetched_objects_cache = {"lines": lines_stored}
    fallbacks = [
        CachedPrice(buyer_org, line.drug, line.unit_price, line.currency, now, str(quote.id))
        for line in priced
        if buyer_org is not None
    ]
    transaction.on_commit(lambda: quotes_total.labels("priced").inc())
    transaction.on_commit(
        lambda: remember_good_prices(fallbacks, ttl_seconds=settings.PRICING_LAST_GOOD_TTL_SECONDS)
    )
    return quote


def quote_buyer(
    *, principal: Principal, buyer_org: int | None, buyer_org_type: str
) -> tuple[int | None, str]:
    """Whom a quote is for: ``(buyer_org, buyer_org_type)``.

    A buyer quotes for its own organization only (another one answers 404, as if it did not
    exist). A service quotes for any organization and must name it, and may name its kind,
    which decides whether rules for hospitals or pharmacies apply; only a patient's (B2C)
    quote, ``buyer_org_type="patient"``, has no organization.
    """
    if principal.is_service:
        if buyer_org is None and buyer_org_type != PATIENT:
            raise ValidationFailed(
                "A service must say which organization the quote is for.",
                code="buyer_org_required",
                extra={"errors": {"buyer_org": ["Required with a service token."]}},
            )
        return buyer_org, buyer_org_type
    if principal.org is None:
        raise Forbidden("Your account belongs to no organization.", code="no_organization")
    if buyer_org is not None and buyer_org != principal.org:
        raise NotFound("No such buyer organization.")
    return principal.org, principal.org_type or ""
