"""The client for pricing_svc: quotes, and the shipped lines that chargebacks are made of.

The caller's service token needs scope ``pricing:quote`` for :meth:`PricingClient.quote` and
:meth:`PricingClient.get_quote`, and ``pricing:chargeback`` for
:meth:`PricingClient.report_shipment`.

Pricing's refusals become typed errors carrying pricing's ``code``: ``ValidationFailed``
(400: ``no_price``, ``mixed_currency``, ``duplicate_drug``, ``buyer_org_required``,
``unknown_contract``, ``invalid``), ``NotFound`` (404) and ``Conflict`` (409:
``shipment_conflict``). A refused service token (401/403) or a rate limit (429) is a fault
this caller cannot fix by changing its request, so it is ``UpstreamUnavailable``, like an
outage: an order may then be priced from ``common.fallbacks``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from common.clients.base import ServiceClient


@dataclass(frozen=True)
class AppliedStep:
    """One step that made a line's price: the list price, a contract or a discount rule."""

    source: str  # list | contract | rule
    id: int
    description: str


@dataclass(frozen=True)
class QuoteLine:
    drug: int
    quantity: int
    list_price: Decimal | None
    unit_price: Decimal
    line_total: Decimal
    applied: tuple[AppliedStep, ...]

    @property
    def contract_id(self) -> int | None:
        """The contract that priced the line (report it with the shipment), if any."""
        return next((step.id for step in self.applied if step.source == "contract"), None)


@dataclass(frozen=True)
class Quote:
    id: str
    buyer_org: int | None
    currency: str
    lines: tuple[QuoteLine, ...]
    total: Decimal
    valid_until: datetime

    @classmethod
    def from_json(cls, body: dict) -> "Quote":
        return cls(
            id=str(body["id"]),
            buyer_org=body["buyer_org"],
            currency=body["currency"],
            lines=tuple(
                QuoteLine(
                    drug=line["drug"],
                    quantity=line["quantity"],
                    list_price=None if line["list_price"] is None else Decimal(line["list_price"]),
                    unit_price=Decimal(line["unit_price"]),
                    line_total=Decimal(line["line_total"]),
                    applied=tuple(
                        AppliedStep(step["source"], step["id"], step["description"])
                        for step in line["applied"]
                    ),
                )
                for line in body["lines"]
            ),
            total=Decimal(body["total"]),
            valid_until=datetime.fromisoformat(body["valid_until"]),
        )


@dataclass(frozen=True)
class ShipmentRecorded:
    id: int
    order_ref: str
    drug: int
    created: bool  # False when pricing had this (order_ref, drug) already
    chargeback_id: int | None
    chargeback_amount: Decimal | None


def _line(line) -> dict:
    drug, quantity = (line.drug, line.quantity) if hasattr(line, "drug") else line
    return {"drug": int(drug), "quantity": int(quantity)}


class PricingClient(ServiceClient):
    upstream = "pricing"

    def quote(self, buyer_org: int | None, lines: Iterable, *, buyer_org_type: str = "") -> Quote:
        """Price ``lines`` — ``(drug, quantity)`` pairs, or objects with ``drug`` and
        ``quantity`` — for ``buyer_org``. ``buyer_org_type`` (hospital, pharmacy, …) lets
        rules for that kind of buyer apply; ``"patient"`` quotes with no organization."""
        body = {"lines": [_line(line) for line in lines], "buyer_org": buyer_org}
        if buyer_org_type:
            body["buyer_org_type"] = buyer_org_type
        response = self.request("POST", "quotes/", json=body)
        return Quote.from_json(self.answer(response, 201))

    def get_quote(self, quote_id: str) -> Quote:
        response = self.request("GET", f"quotes/{quote_id}/")
        return Quote.from_json(self.answer(response))

    def report_shipment(
        self,
        *,
        order_ref: str,
        buyer_org: int,
        drug: int,
        quantity: int,
        unit_price: Decimal | str,
        shipped_at: datetime | str,
        contract_id: int | str | None = None,
        currency: str = "USD",
    ) -> ShipmentRecorded:
        """Tell pricing a line shipped, for chargebacks. Safe to repeat: pricing records each
        (order_ref, drug) once, and a repeat answers the first record."""
        body = {
            "order_ref": order_ref,
            "buyer_org": buyer_org,
            "drug": int(drug),
            "quantity": int(quantity),
            "unit_price": str(unit_price),
            "currency": currency,
            "shipped_at": shipped_at.isoformat()
            if isinstance(shipped_at, datetime)
            else shipped_at,
            "contract_id": int(contract_id) if contract_id not in (None, "") else None,
        }
        response = self.request("POST", "chargebacks/events/", json=body)
        recorded = self.answer(response, 200, 201)
        chargeback = recorded.get("chargeback")
        return ShipmentRecorded(
            id=recorded["id"],
            order_ref=recorded["order_ref"],
            drug=recorded["drug"],
            created=response.status_code == 201,
            chargeback_id=chargeback["id"] if chargeback else None,
            chargeback_amount=Decimal(chargeback["amount"]) if chargeback else None,
        )
