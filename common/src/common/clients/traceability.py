"""The client for catalog_svc's traceability reads (scope ``inventory:reserve``): what left
with a committed reservation, and the feed of recalls with the shipments each lot reached."""

from dataclasses import dataclass
from datetime import date, datetime

from common.clients.base import ServiceClient


@dataclass(frozen=True)
class ShippedLot:
    lot: int
    lot_number: str
    expiry_date: date
    drug: int
    gtin: str
    warehouse: int
    warehouse_name: str
    seller_org: int
    quantity: int
    buyer_org: int | None
    order_ref: str
    shipped_at: datetime
    serials: tuple[str, ...]

    @classmethod
    def from_json(cls, body: dict) -> "ShippedLot":
        return cls(
            **{
                **{name: body[name] for name in cls.__dataclass_fields__},
                "expiry_date": date.fromisoformat(body["expiry_date"]),
                "shipped_at": datetime.fromisoformat(body["shipped_at"]),
                "serials": tuple(body["serials"]),
            }
        )


@dataclass(frozen=True)
class Recall:
    id: int
    lot: int
    lot_number: str
    expiry_date: date
    drug: int
    gtin: str
    ndc: str
    reason: str
    recalled_at: datetime
    shipments: tuple[ShippedLot, ...]

    @classmethod
    def from_json(cls, body: dict) -> "Recall":
        return cls(
            **{
                **{name: body[name] for name in cls.__dataclass_fields__},
                "expiry_date": date.fromisoformat(body["expiry_date"]),
                "recalled_at": datetime.fromisoformat(body["recalled_at"]),
                "shipments": tuple(ShippedLot.from_json(s) for s in body["shipments"]),
            }
        )


@dataclass(frozen=True)
class RecallPage:
    results: tuple[Recall, ...]
    next_after: int


class TraceabilityClient(ServiceClient):
    upstream = "catalog"

    def reservation_shipments(self, reservation_id: int) -> tuple[ShippedLot, ...]:
        response = self.request("GET", f"reservations/{int(reservation_id)}/shipments/")
        return tuple(ShippedLot.from_json(item) for item in self.answer(response))

    def recalls_after(self, after: int, limit: int = 100) -> RecallPage:
        response = self.request("GET", "recalls/", params={"after": after, "limit": limit})
        body = self.answer(response)
        return RecallPage(
            results=tuple(Recall.from_json(item) for item in body["results"]),
            next_after=body["next_after"],
        )
