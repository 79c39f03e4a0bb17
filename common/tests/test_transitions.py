"""An illegal move of any state machine answers one way: 409 with from, to and allowed."""

import pytest

from common.transitions import InvalidTransition, transition_check

TABLE = {"pending": {"confirmed", "rejected"}, "confirmed": {"shipped"}, "shipped": set()}


def test_an_allowed_move_passes():
    transition_check(table=TABLE, current="pending", to="confirmed", subject="The order")


@pytest.mark.parametrize(
    ("current", "to", "allowed"),
    [("shipped", "cancelled", []), ("pending", "shipped", ["confirmed", "rejected"])],
)
def test_an_illegal_move_says_from_to_and_what_is_allowed(current, to, allowed):
    with pytest.raises(InvalidTransition) as refused:
        transition_check(table=TABLE, current=current, to=to, subject="The order")
    assert (refused.value.status, refused.value.code) == (409, "invalid_transition")
    assert refused.value.extra == {"from": current, "to": to, "allowed": allowed}
