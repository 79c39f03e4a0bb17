"""The client for catalog_svc: drugs, stock availability and reservations.

Answers become frozen dataclasses; refusals become the typed ``common.errors`` the catalog
answered with (same ``code``), so a caller can tell "not enough stock" (``InsufficientStock``,
carrying each short line) from a bad request or a lapsed hold.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime

import requests

from common.clients.base import ServiceClient
from common.errors import (
    Conflict,
    NotFound,
)


@dataclass(frozen=True)
class Drug:
    id: int
    ndc: str
    gtin: str
    name: str
    generic_name: str
    strength: str
    dosage_form: str
    manufacturer: str
    schedule: str  # "" or "CII".."CV"
    rx_only: bool
    cold_chain: bool
    pack_size: int
    unit: str
    active: bool

    @classmethod
    def from_json(cls, body: dict) -> "Drug":
        return cls(**{name: body[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class StockLine:
    """One line of a reservation request."""

    drug: int
    quantity: int


@dataclass(frozen=True)
class Allocation:
    lot: int
    lot_number: str
    expiry_date: date
    quantity: int


@dataclass(frozen=True)
class ReservedLine:
    drug: int
    quantity: int
    allocations: tuple[Allocation, ...]


@dataclass(frozen=True)
class Reservation:
    id: int
    reference: str
    status: str  # held, committed, released, expired
    expires_at: datetime
    lines: tuple[ReservedLine, ...]
    buyer_org: int | None = None
    shipped_at: datetime | None = None
    confirmed_at: datetime | None = None  # set: the hold waits for commit or release

    @classmethod
    def from_json(cls, body: dict) -> "Reservation":
        lines = tuple(
            ReservedLine(
                drug=line["drug"],
                quantity=line["quantity"],
                allocations=tuple(
                    Allocation(
                        lot=a["lot"],
                        lot_number=a["lot_number"],
                        expiry_date=date.fromisoformat(a["expiry_date"]),
                        quantity=a["quantity"],
                    )
                    for a in line["allocations"]
                ),
            )
            for line in body["lines"]
        )
        shipped_at, confirmed_at = body.get("shipped_at"), body.get("confirmed_at")
        return cls(
            id=body["id"],
            reference=body["reference"],
            status=body["status"],
            expires_at=datetime.fromisoformat(body["expires_at"]),
            lines=lines,
            buyer_org=body.get("buyer_org"),
            shipped_at=datetime.fromisoformat(shipped_at) if shipped_at else None,
            confirmed_at=datetime.fromisoformat(confirmed_at) if confirmed_at else None,
        )


@dataclass(frozen=True)
class WarehouseAvailability:
    warehouse: int
    name: str
    available: int


@dataclass(frozen=True)
class Availability:
    """Sellable stock of a drug: available lots not past their expiry date."""

    drug: int
    available: int
    on_hand: int
    earliest_expiry: date | None
    warehouses: tuple[WarehouseAvailability, ...]

    @classmethod
    def from_json(cls, body: dict) -> "Availability":
        earliest = body.get("earliest_expiry")
        return cls(
            drug=body["drug"],
            available=body["available"],
            on_hand=body["on_hand"],
            earliest_expiry=date.fromisoformat(earliest) if earliest else None,
            warehouses=tuple(
                WarehouseAvailability(w["warehouse"], w.get("name", ""), w["available"])
                for w in body["warehouses"]
            ),
        )


@dataclass(frozen=True)
class Shortfall:
    drug: int
    requested: int
    available: int


class InsufficientStock(Conflict):
    """409 ``insufficient_stock``: nothing was reserved; ``lines`` says what was short."""

    code = "insufficient_stock"

    def __init__(self, detail: str = "", *, lines: tuple[Shortfall, ...] = ()):
        super().__init__(detail, extra={"lines": [asdict(line) for line in lines]})
        self.lines = lines


class CatalogClient(ServiceClient):
    upstream = "catalog"

    def answer(self, response: requests.Response, *expected: int) -> dict:
        """As the base, with the short lines of ``insufficient_stock`` typed."""
        try:
            return super().answer(response, *expected)
        except Conflict as exc:
            if exc.code != InsufficientStock.code:
                raise
            shortfalls = tuple(
                Shortfall(line["drug"], line["requested"], line["available"])
                for line in exc.extra.get("lines", [])
            )
            raise InsufficientStock(exc.detail, lines=shortfalls) from None

    def get_drug(self, drug_id: int) -> Drug:
        """The drug, or ``NotFound`` (code ``unknown_drug``) when the catalog has no such id."""
        response = self.request("GET", f"drugs/{int(drug_id)}/")
        return Drug.from_json(self._drug_answer(response, drug_id))

    def availability(self, drug_id: int) -> Availability:
        """Sellable stock of a drug; ``NotFound`` (code ``unknown_drug``) for an unknown id."""
        response = self.request("GET", f"drugs/{int(drug_id)}/availability/")
        return Availability.from_json(self._drug_answer(response, drug_id))

    def _drug_answer(self, response: requests.Response, drug_id: int) -> dict:
        """A drug's answer; a 404 says the catalog has no such drug (``unknown_drug``)."""
        if response.status_code == 404:
            raise NotFound(f"Drug {drug_id} is not in the catalog.", code="unknown_drug")
        return self.answer(response)

    def reserve(
        self,
        reference: str,
        lines: Iterable[StockLine | tuple[int, int]],
        min_shelf_life_days: int = 0,
        idempotency_key: str | None = None,
        confirm: bool = False,
    ) -> Reservation:
        """Hold stock FEFO for every line, or raise ``InsufficientStock`` having held nothing.
        Without a key the catalog makes a retry idempotent on ``reference``. With ``confirm``
        the hold is made confirmed, as ``confirm`` would leave it, in the same call."""
        wanted = [line if isinstance(line, StockLine) else StockLine(*line) for line in lines]
        body = {
            "reference": reference,
            "lines": [{"drug": line.drug, "quantity": line.quantity} for line in wanted],
            "min_shelf_life_days": min_shelf_life_days,
        }
        if confirm:  # only then: an older caller's retry keeps its body, so its key replays
            body["confirm"] = True
        response = self.request("POST", "reservations/", json=body, idempotency_key=idempotency_key)
        return Reservation.from_json(self.answer(response, 201))

    def release(self, reservation_id: int) -> Reservation:
        """Give the stock back; releasing twice (or a lapsed hold) is fine."""
        response = self.request("POST", f"reservations/{int(reservation_id)}/release/")
        return Reservation.from_json(self.answer(response))

    def confirm(self, reservation_id: int) -> Reservation:
        """The order is confirmed: the hold no longer lapses by itself, it waits for
        ``commit`` or ``release``. Safe to repeat."""
        response = self.request("POST", f"reservations/{int(reservation_id)}/confirm/")
        return Reservation.from_json(self.answer(response))

    def commit(
        self,
        reservation_id: int,
        shipped_at: datetime,
        buyer_org: int | None,
        idempotency_key: str | None = None,
    ) -> Reservation:
        """Ship the reserved stock to ``buyer_org``; ``Conflict`` code ``reservation_expired``
        if the hold lapsed first."""
        response = self.request(
            "POST",
            f"reservations/{int(reservation_id)}/commit/",
            json={"shipped_at": shipped_at.isoformat(), "buyer_org": buyer_org},
            idempotency_key=idempotency_key,
        )
        return Reservation.from_json(self.answer(response))

    def get_reservation(self, reservation_id: int) -> Reservation:
        response = self.request("GET", f"reservations/{int(reservation_id)}/")
        return Reservation.from_json(self.answer(response))
