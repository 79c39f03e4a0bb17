"""The other services, faked at the HTTP boundary (``responses``) with API.md's shapes."""

import json
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal

import responses

from common.testing import catalog_drug_body

GW = "http://gw.test"
CATALOG, PRICING, RX, AUTH = (f"{GW}/api/{name}" for name in ("catalog", "pricing", "rx", "auth"))
DEA_ALL = {
    "kind": "dea",
    "number": "BS1",
    "schedules": ["CII", "CIII", "CIV", "CV"],
    "expires_on": "2099-01-01",
}


def problem(status: int, code: str, **extra) -> dict:
    return {"type": "t", "title": "t", "status": status, "detail": code, "code": code, **extra}


@dataclass
class Upstreams:
    """Fake answers of auth, catalog, pricing and rx; ``calls(url_part)`` counts requests."""

    mock: responses.RequestsMock
    next_reservation: int = 500
    reservations: dict = field(default_factory=dict)

    def calls(self, part: str, method: str | None = None) -> list:
        return [
            c
            for c in self.mock.calls
            if part in c.request.url and (method is None or c.request.method == method)
        ]

    def drug(self, drug_id: int, **fields) -> None:
        self.mock.get(f"{CATALOG}/drugs/{drug_id}/", json=catalog_drug_body(drug_id, **fields))

    def organization(self, org_id: int, *licenses: dict) -> None:
        body = {
            "id": org_id,
            "name": f"Org {org_id}",
            "type": "hospital",
            "licenses": list(licenses),
        }
        self.mock.get(f"{AUTH}/organizations/{org_id}/", json=body)

    def prices(
        self,
        prices: dict[int, str],
        contract: int | None = None,
        *,
        line_totals: dict[int, str] | None = None,
        currency: str = "USD",
    ) -> None:
        """Quotes at these unit prices; each line total is the price times the quantity to the
        cent, unless ``line_totals`` says otherwise (pricing rounds from its exact price)."""

        def total(drug: int, quantity: int) -> str:
            if line_totals and drug in line_totals:
                return line_totals[drug]
            return str((Decimal(prices[drug]) * quantity).quantize(Decimal("0.01")))

        def answer(request):
            lines = json.loads(request.body)["lines"]
            applied = (
                [{"source": "contract", "id": contract, "description": "c"}] if contract else []
            )
            out = [
                {
                    "drug": line["drug"],
                    "quantity": line["quantity"],
                    "list_price": prices[line["drug"]],
                    "unit_price": prices[line["drug"]],
                    "line_total": total(line["drug"], line["quantity"]),
                    "applied": applied or [{"source": "list", "id": 1, "description": "list"}],
                }
                for line in lines
            ]
            body = {
                "id": "77",
                "buyer_org": 2,
                "currency": currency,
                "lines": out,
                "total": str(sum(Decimal(line["line_total"]) for line in out)),
                "valid_until": "2099-01-01T00:00:00+00:00",
            }
            return 201, {}, json.dumps(body)

        self.mock.add_callback(responses.POST, f"{PRICING}/quotes/", callback=answer)

    def pricing_down(self) -> None:
        self.mock.post(f"{PRICING}/quotes/", status=503)

    def stock(self, available: dict[int, int] | None = None) -> None:
        """Reservations from one lot per drug (lot ``900 + drug``): whatever is asked, or
        with ``available`` (units per drug), never more than that held and shipped at once; a
        request it cannot fill is 409 ``insufficient_stock`` and holds nothing. Release and
        commit move a held reservation once, as catalog does. Safe to call from threads."""
        lock = threading.Lock()

        answered: dict[str, tuple] = {}  # by Idempotency-Key: a retry hears the first answer

        def reserve(request):
            key = request.headers.get("Idempotency-Key")
            if key is None:
                return hold(json.loads(request.body))
            with lock:
                if key in answered:
                    return answered[key]
            answer = hold(json.loads(request.body))
            with lock:
                return answered.setdefault(key, answer)

        def hold(body):
            wanted = {line["drug"]: line["quantity"] for line in body["lines"]}
            with lock:
                short = [
                    {"drug": drug, "requested": quantity, "available": available.get(drug, 0)}
                    for drug, quantity in wanted.items()
                    if available is not None and quantity > available.get(drug, 0)
                ]
                if short:
                    return 409, {}, json.dumps(problem(409, "insufficient_stock", lines=short))
                for drug, quantity in wanted.items():
                    if available is not None:
                        available[drug] -= quantity
                self.next_reservation += 1
                reservation_id = self.next_reservation
            self.holding(reservation_id, *((drug, 900 + drug, n) for drug, n in wanted.items()))
            self.reservations[reservation_id]["reference"] = body["reference"]
            if body.get("confirm"):
                self.reservations[reservation_id]["confirmed_at"] = "2026-11-20T08:00:00+00:00"
            return 201, {}, json.dumps(self.reservations[reservation_id])

        def move(to: str):
            def answer(request):
                reservation_id = int(re.search(r"reservations/(\d+)/", request.url).group(1))
                with lock:
                    held = self.reservations[reservation_id]
                    if held["status"] not in ("held", to):
                        return 409, {}, json.dumps(problem(409, f"reservation_{held['status']}"))
                    if held["status"] == "held" and to == "released" and available is not None:
                        for line in held["lines"]:
                            available[line["drug"]] += line["quantity"]
                    held["status"] = to
                    return 200, {}, json.dumps(held)

            return answer

        def read(request):
            reservation_id = int(re.search(r"reservations/(\d+)/$", request.url).group(1))
            return 200, {}, json.dumps(self.reservations[reservation_id])

        self.mock.add_callback(responses.POST, f"{CATALOG}/reservations/", callback=reserve)
        self.mock.add_callback(
            responses.GET, re.compile(rf"{CATALOG}/reservations/\d+/$"), callback=read
        )
        for action, status in (
            ("release", "released"),
            ("commit", "committed"),
            ("confirm", "held"),
        ):
            self.mock.add_callback(
                responses.POST,
                re.compile(rf"{CATALOG}/reservations/\d+/{action}/"),
                callback=move(status),
            )

    def holding(self, reservation_id: int | str, *allocations: tuple[int, int, int]) -> None:
        """A reservation catalog already holds (placed before the test), with its
        ``(drug, lot, quantity)`` allocations (lot 901 is numbered L1); ``stock()`` must be
        faked too."""
        lines: dict[int, list] = {}
        for drug, lot, quantity in allocations:
            lines.setdefault(drug, []).append(
                {
                    "lot": lot,
                    "lot_number": f"L{lot - 900}",
                    "expiry_date": "2028-01-31",
                    "quantity": quantity,
                }
            )
        self.reservations[int(reservation_id)] = {
            "id": int(reservation_id),
            "reference": f"R{reservation_id}",
            "status": "held",
            "expires_at": "2099-01-01T00:00:00+00:00",
            "lines": [
                {"drug": drug, "quantity": sum(a["quantity"] for a in lots), "allocations": lots}
                for drug, lots in lines.items()
            ],
        }

    def recall(self, *, lot: int, shipments: list[dict], recall_id: int = 41, after: int = 0):
        """Catalog's recall feed after ``after``: drug 1's lot ``lot`` recalled, and the
        ``shipments`` that carried it; the page after it is empty."""
        recall = {
            "id": recall_id,
            "lot": lot,
            "lot_number": f"L{lot - 900}",
            "expiry_date": "2028-01-31",
            "drug": 1,
            "gtin": "00312345678906",
            "ndc": "12345-0001-01",
            "reason": "FDA class I",
            "recalled_at": "2026-11-20T08:00:00+00:00",
            "shipments": shipments,
        }
        self.mock.get(
            f"{CATALOG}/recalls/?after={after}&limit=100",
            json={"results": [recall], "next_after": recall_id},
        )
        self.mock.get(
            f"{CATALOG}/recalls/?after={recall_id}&limit=100",
            json={"results": [], "next_after": recall_id},
        )

    def short(self, *shortfall: dict) -> None:
        body = problem(409, "insufficient_stock", lines=list(shortfall))
        self.mock.post(f"{CATALOG}/reservations/", json=body, status=409)

    def catalog_down(self) -> None:
        self.mock.post(f"{CATALOG}/reservations/", status=502)

    def fills(self) -> None:
        def consume(request):
            prescription = int(re.search(r"prescriptions/(\d+)/", request.url).group(1))
            body = json.loads(request.body)
            out = {
                "prescription": prescription,
                "order_ref": body["order_ref"],
                "drug": body["drug"],
                "quantity": body["quantity"],
                "fills_remaining": 0,
                "status": "used_up",
                "consumed_at": "2026-01-01T00:00:00+00:00",
            }
            return 200, {}, json.dumps(out)

        self.mock.add_callback(
            responses.POST, re.compile(rf"{RX}/prescriptions/\d+/consume/$"), callback=consume
        )
        self.mock.add(
            responses.POST,
            re.compile(rf"{RX}/prescriptions/\d+/consume/[^/]+/revert/"),
            json={
                "prescription": 1,
                "order_ref": "x",
                "fills_remaining": 1,
                "status": "verified",
                "reverted_at": "2026-01-01T00:00:00+00:00",
                "fill_returned": True,
            },
        )

    def fill_refused(self, code: str) -> None:
        self.mock.post(
            re.compile(rf"{RX}/prescriptions/\d+/consume/$"), json=problem(409, code), status=409
        )

    def chargebacks(self) -> None:
        self.mock.post(
            f"{PRICING}/chargebacks/events/",
            json={"id": 1, "order_ref": "x", "drug": 1, "chargeback": None},
            status=201,
        )
