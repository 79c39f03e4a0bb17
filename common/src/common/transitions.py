"""State machines: one refusal for a move a machine does not allow.

Every service keeps its statuses' moves in one dict (``TRANSITIONS = {status: {allowed…}}``,
STYLE.md) and checks a move here, so an illegal one answers the same everywhere (API.md):
409 ``invalid_transition`` with ``from``, ``to`` and ``allowed`` (the moves there are from
``from``, sorted).
"""

from collections.abc import Iterable, Mapping

from common.errors import Conflict


class InvalidTransition(Conflict):
    code = "invalid_transition"


def transition_check(
    *, table: Mapping[str, Iterable[str]], current: str, to: str, subject: str
) -> None:
    """Raise ``InvalidTransition`` unless ``table`` allows ``current → to``; ``subject`` names
    the thing in the message ("Order PC-12", "Lot A1")."""
    allowed = sorted(table.get(current, ()))
    if to not in allowed:
        raise InvalidTransition(
            f"{subject} is {current}; it cannot become {to}.",
            extra={"from": current, "to": to, "allowed": allowed},
        )
