"""Writes of the inventory (HackSoft services), one module per concern."""

from inventory.services.ledger import (
    ReceiptLineIn,
    adjustment_create,
    receipt_create,
    stock_return,
)
from inventory.services.lots import lot_recall, lot_transition, lots_expire
from inventory.services.reservations import (
    ReservationLineIn,
    reservation_commit,
    reservation_confirm,
    reservation_create,
    reservation_current,
    reservation_expire_if_overdue,
    reservation_release,
    reservations_expire,
)

__all__ = [
    "ReceiptLineIn",
    "ReservationLineIn",
    "adjustment_create",
    "lot_recall",
    "lot_transition",
    "lots_expire",
    "receipt_create",
    "reservation_commit",
    "reservation_confirm",
    "reservation_create",
    "reservation_current",
    "reservation_expire_if_overdue",
    "reservation_release",
    "reservations_expire",
    "stock_return",
]
