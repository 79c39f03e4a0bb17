"""The other services, faked at the HTTP boundary (``responses``) with API.md's shapes."""

import json
import re
from dataclasses import dataclass, field

import responses

GW = "http://gw.test"
CATALOG, PRICING, RX, AUTH = (f"{GW}/api/{name}" for name in ("catalog", "pricing", "rx", "auth"))
DEA_ALL = {
    "kind": "dea",
    "number": "BS1",
    "schedules": ["CII", "CIII", "CIV", "CV"],
    "expires_on": "2099-01-01",
}


def drug_json(
    drug_id: int, *, schedule: str = "", rx_only: bool = False, active: bool = True
) -> dict:
    return {
        "id": drug_id,
        "ndc": f"12345-{drug_id:04d}-01",
        "gtin": "00312345678906",
        "name": f"Drug {drug_id}",
        "generic_name": f"generic {drug_id}",
        "strength": "10 mg",
        "dosage_form": "tablet",
        "manufacturer": "Maker Inc",
        "schedule": schedule,
        "rx_only": rx_only,
        "cold_chain": False,
        "pack_size": 100,
        "unit": "tablet",
        "active": active,
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

    def drug(self, drug_id: int, **kwargs) -> None:
        self.mock.get(f"{CATALOG}/drugs/{drug_id}/", json=drug_json(drug_id, **kwargs))

    def organization(self, org_id: int, *licenses: dict) -> None:
        body = {
            "id": org_id,
            "name": f"Org {org_id}",
            "type": "hospital",
            "licenses": list(licenses),
        }
        self.mock.get(f"{AUTH}/organizations/{org_id}/", json=body)

    def prices(self, prices: dict[int, str], contract: int | None = None) -> None:
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
                    "line_total": prices[line["drug"]],
                    "applied": applied or [{"source": "list", "id": 1, "description": "list"}],
                }
                for line in lines
            ]
            body = {
                "id": "77",
                "buyer_org": 2,
                "currency": "USD",
                "lines": out,
                "total": "1.00",
                "valid_until": "2099-01-01T00:00:00+00:00",
            }
            return 201, {}, json.dumps(body)

        self.mock.add_callback(responses.POST, f"{PRICING}/quotes/", callback=answer)

    def pricing_down(self) -> None:
        self.mock.post(f"{PRICING}/quotes/", status=503)

    def stock(self) -> None:
        """Reservations that hold whatever is asked, from one lot per drug."""

        def reserve(request):
            body = json.loads(request.body)
            self.next_reservation += 1
            lines = [
                {
                    "drug": line["drug"],
                    "quantity": line["quantity"],
                    "allocations": [
                        {
                            "lot": 900 + line["drug"],
                            "lot_number": f"L{line['drug']}",
                            "expiry_date": "2028-01-31",
                            "quantity": line["quantity"],
                        }
                    ],
                }
                for line in body["lines"]
            ]
            out = {
                "id": self.next_reservation,
                "reference": body["reference"],
                "status": "held",
                "expires_at": "2099-01-01T00:00:00+00:00",
                "lines": lines,
            }
            self.reservations[self.next_reservation] = out
            return 201, {}, json.dumps(out)

        def finish(status):
            def answer(request):
                reservation_id = int(re.search(r"reservations/(\d+)/", request.url).group(1))
                out = {**self.reservations[reservation_id], "status": status}
                return 200, {}, json.dumps(out)

            return answer

        self.mock.add_callback(responses.POST, f"{CATALOG}/reservations/", callback=reserve)
        for action, status in (
            ("release", "released"),
            ("commit", "committed"),
            ("confirm", "held"),
        ):
            self.mock.add_callback(
                responses.POST,
                re.compile(rf"{CATALOG}/reservations/\d+/{action}/"),
                callback=finish(status),
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
