"""Who may buy controlled substances: a buyer needs a valid DEA registration covering the
drug's schedule (API.md, orders)."""

from collections.abc import Iterable
from datetime import date

from common.clients.auth import License


def licence_refusal(*, licenses: Iterable[License], schedule: str, on: date) -> str | None:
    """None if the licences allow buying a drug of ``schedule`` on ``on``, else the reason
    code: ``license_missing``, ``license_expired`` or ``schedule_not_licensed``."""
    if not schedule:
        return None
    dea = [licence for licence in licenses if licence.kind == "dea"]
    if not dea:
        return "license_missing"
    valid = [licence for licence in dea if licence.expires_on >= on]
    if not valid:
        return "license_expired"
    if not any(schedule in licence.schedules for licence in valid):
        return "schedule_not_licensed"
    return None
