"""Writes of the prescriptions app (HackSoft services): every change goes through here, from
the API, the admin, the seed and the management commands alike."""

from prescriptions.services.access import document_open
from prescriptions.services.expiry import prescriptions_expire_due
from prescriptions.services.fills import FillOutcome, prescription_consume, prescription_fill_revert
from prescriptions.services.review import (
    MAX_REFILLS,
    prescription_approve,
    prescription_claim,
    prescription_reject,
    prescription_release,
)
from prescriptions.services.transitions import TRANSITIONS, prescription_transition
from prescriptions.services.upload import prescription_upload

__all__ = [
    "MAX_REFILLS",
    "TRANSITIONS",
    "FillOutcome",
    "document_open",
    "prescription_approve",
    "prescription_claim",
    "prescription_consume",
    "prescription_fill_revert",
    "prescription_reject",
    "prescription_release",
    "prescription_transition",
    "prescription_upload",
    "prescriptions_expire_due",
]
