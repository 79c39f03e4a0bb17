"""Demo orders in every settled state, placed through the gateway as the demo people would
(so they are real: priced, reserved, licence-checked). Run by ``manage_all.py up`` once the
platform answers; safe to repeat (fixed Idempotency-Keys replay, and a step is taken only
from the state it starts in). ``pending`` is transient by design, so no demo order stays in it.
"""

import logging

import requests
from django.conf import settings

from common.demo.catalog import drugs

log = logging.getLogger(__name__)
TIMEOUT = (2, 30)


class Gateway:
    def __init__(self, base_url: str, password: str):
        self.base_url = base_url.rstrip("/")
        self.password = password
        self.tokens: dict[str, str] = {}

    def _headers(self, username: str) -> dict:
        if username not in self.tokens:
            response = requests.post(
                f"{self.base_url}/api/auth/token/",
                json={"username": username, "password": self.password},
                timeout=TIMEOUT,
            )
            response.raise_for_status()
            self.tokens[username] = response.json()["access"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def call(
        self,
        username: str,
        method: str,
        path: str,
        body: dict | None = None,
        key: str | None = None,
    ):
        headers = self._headers(username)
        if key:
            headers["Idempotency-Key"] = key
        return requests.request(
            method, f"{self.base_url}{path}", json=body, headers=headers, timeout=TIMEOUT
        )


def _drug_ids() -> tuple[list[int], int]:
    """Unscheduled drugs to buy, and a Schedule II drug for a licence refusal."""
    catalog = drugs()
    plain = [d.id for d in catalog if not d.schedule and not d.cold_chain][:40]
    schedule_ii = next(d.id for d in catalog if d.schedule == "CII")
    return plain, schedule_ii


def _in_stock(gateway: Gateway, candidates: list[int], wanted: int) -> list[int]:
    found = []
    for drug in candidates:
        availability = gateway.call("hospital_a", "GET", f"/api/catalog/drugs/{drug}/availability/")
        if availability.ok and availability.json()["available"] >= 50:
            found.append(drug)
        if len(found) == wanted:
            break
    return found


def _place(gateway: Gateway, buyer: str, key: str, lines: list[tuple[int, int]]) -> dict:
    body = {
        "lines": [{"drug": drug, "quantity": qty} for drug, qty in lines],
        "notes": "demo order",
    }
    return gateway.call(buyer, "POST", "/api/orders/", body, key=key).json()


def seed_demo_orders(*, base_url: str, password: str) -> dict[str, str]:
    """Place the demo orders; returns ``{demo name: status}``."""
    gateway = Gateway(base_url, password)
    plain, schedule_ii = _drug_ids()
    a, b, c, d = _in_stock(gateway, plain, 4)
    outcome = {}
    confirmed = _place(gateway, "hospital_a", "demo-confirmed", [(a, 10), (b, 5)])
    outcome["confirmed"] = confirmed.get("status")
    shipped = _place(gateway, "pharmacy", "demo-shipped", [(c, 6)])
    if shipped.get("status") == "confirmed":
        shipped = gateway.call(
            "distributor", "POST", f"/api/orders/{shipped['id']}/ship/", {}
        ).json()
    outcome["shipped"] = shipped.get("status")
    delivered = _place(gateway, "hospital_a", "demo-delivered", [(d, 8), (a, 2)])
    if delivered.get("status") == "confirmed":
        delivered = gateway.call(
            "distributor", "POST", f"/api/orders/{delivered['id']}/ship/", {}
        ).json()
    if delivered.get("status") == "shipped":
        received = [
            {"line": line["line_no"], "accepted": line["quantity"], "rejected": 0}
            for line in delivered["lines"]
            if line["quantity"]
        ]
        path = f"/api/orders/{delivered['id']}/deliver/"
        delivered = gateway.call("hospital_a", "POST", path, {"received": received}).json()
    outcome["delivered"] = delivered.get("status")
    cancelled = _place(gateway, "pharmacy", "demo-cancelled", [(b, 3)])
    if cancelled.get("status") == "confirmed":
        path = f"/api/orders/{cancelled['id']}/cancel/"
        cancelled = gateway.call("pharmacy", "POST", path, {"reason": "demo: ordered twice"}).json()
    outcome["cancelled"] = cancelled.get("status")
    # Riverside General holds no DEA registration: a Schedule II order is refused.
    rejected = _place(gateway, "hospital_b", "demo-rejected", [(schedule_ii, 1)])
    outcome["rejected"] = rejected.get("order", {}).get("status", rejected.get("status"))
    log.info("demo orders", extra={"outcome": outcome, "gateway": settings.GATEWAY_URL})
    return outcome
