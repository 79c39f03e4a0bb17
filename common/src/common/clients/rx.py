"""The client for rx_svc: an order uses one fill of a verified prescription, and gives it
back when the order fails later (the compensation step of orders' saga).

Both calls are idempotent per ``order_ref`` on rx's side, so a caller that lost an answer
(timeout, 503) may send the same call again. Refusals come back as typed errors with rx's
stable codes: ``Conflict`` (``prescription_used_up``, ``prescription_not_verified``,
``prescription_expired``, ``drug_mismatch``, ``quantity_exceeds_prescription``,
``order_ref_reused``, ``order_reverted``), ``NotFound`` (``prescription_not_found``),
``ValidationFailed`` (a malformed request).
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from common.clients.base import ServiceClient


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class PrescriptionFill:
    prescription: int
    order_ref: str
    drug: int
    quantity: int
    consumed_at: datetime | None
    fills_remaining: int
    status: str  # the prescription's, after this fill: "verified" or "used_up"
    replayed: bool  # rx answered from an earlier consume of the same order_ref


@dataclass(frozen=True)
class FillRevert:
    prescription: int
    order_ref: str
    reverted_at: datetime | None
    fills_remaining: int
    status: str
    fill_returned: bool  # False: nothing to give back (already reverted, or never consumed)


class RxClient(ServiceClient):
    upstream = "rx"

    def consume(
        self,
        prescription_id: int,
        order_ref: str,
        drug: int,
        quantity: int,
        *,
        patient: str | int | None = None,
    ) -> PrescriptionFill:
        """Use one fill of prescription ``prescription_id`` for ``quantity`` of ``drug``.

        Pass ``patient`` (the ordering patient's user id): rx then refuses, as not found,
        a prescription of anyone else, so an order can never use another patient's."""
        body = {"order_ref": order_ref, "drug": int(drug), "quantity": int(quantity)}
        if patient is not None:
            body["patient"] = str(patient)
        response = self.request("POST", f"prescriptions/{int(prescription_id)}/consume/", json=body)
        body = self.answer(response, 200, 201)
        return PrescriptionFill(
            prescription=body["prescription"],
            order_ref=body["order_ref"],
            drug=body["drug"],
            quantity=body["quantity"],
            consumed_at=_when(body["consumed_at"]),
            fills_remaining=body["fills_remaining"],
            status=body["status"],
            replayed=response.status_code == 200,
        )

    def revert(self, prescription_id: int, order_ref: str) -> FillRevert:
        """Give back the fill ``order_ref`` used. Safe to repeat; reverting an order whose
        consume never arrived makes rx refuse that consume if it arrives late."""
        response = self.request(
            "POST",
            f"prescriptions/{int(prescription_id)}/consume/{quote(order_ref, safe='')}/revert/",
        )
        body = self.answer(response, 200, 201)
        return FillRevert(
            prescription=body["prescription"],
            order_ref=body["order_ref"],
            reverted_at=_when(body["reverted_at"]),
            fills_remaining=body["fills_remaining"],
            status=body["status"],
            fill_returned=body["fill_returned"],
        )
