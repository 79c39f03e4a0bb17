"""``Idempotency-Key`` on order placement (API.md, Conventions).

Placement is a saga that commits as it goes, so the key lives on the order itself: the first
request stores the order (pending) with its key and request fingerprint, and keeps its final
answer on it. A repeat with the same key and body replays that answer; with a different body
it is 409 ``idempotency_key_reused``; while the first is still running, 409
``idempotency_key_in_progress``. An answer of 503 is not kept: the key is freed so that a
retry, which the 503 invites, places the order anew. A confirmation stores its 201 answer in
its own transaction; an order confirmed without one (placed before that was so) is answered
as the 201 it earned.
"""

from rest_framework.response import Response

from common.errors import Conflict, ValidationFailed
from common.idempotency import HEADER, MAX_KEY_LENGTH, REPLAYED_HEADER
from orders.models import Order
from orders.serializers import order_body

# With no stored answer, an order in these states is still being placed (or was abandoned,
# and reconcile frees its key).
UNSETTLED = (Order.Status.PENDING, Order.Status.REJECTED)


def idempotency_key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is not None and not 0 < len(key) <= MAX_KEY_LENGTH:
        raise ValidationFailed(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.", code="invalid_idempotency_key"
        )
    return key


def placement_replay(*, buyer_user: str, key: str | None, request_hash: str) -> Response | None:
    """The first answer to this key, or None if the key is new."""
    if key is None:
        return None
    order = Order.objects.filter(buyer_user=buyer_user, idempotency_key=key).first()
    if order is None:
        return None
    if order.request_hash != request_hash:
        raise Conflict(
            "This Idempotency-Key was used with a different request.", code="idempotency_key_reused"
        )
    if order.answer_status is None and order.status not in UNSETTLED:
        # Confirmed (and maybe moved on since): it earned a 201 its client never got.
        return Response(order_body(order), status=201, headers={REPLAYED_HEADER: "true"})
    if order.answer_status is None:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed.",
            code="idempotency_key_in_progress",
            headers={"Retry-After": "1"},
        )
    content_type = "application/json" if order.answer_status < 400 else "application/problem+json"
    return Response(
        order.answer_body,
        status=order.answer_status,
        content_type=content_type,
        headers={REPLAYED_HEADER: "true"},
    )


def placement_answer(*, status: int, body: dict) -> dict:
    """What the order keeps of its placement's answer, as changes to its fields: the answer,
    or for a 5xx its key freed."""
    if status >= 500:
        return {"idempotency_key": None}
    return {"answer_status": status, "answer_body": body}


def placement_answer_store(*, order: Order, status: int, body: dict) -> None:
    """Keep an answer the placement did not store itself (a refusal)."""
    Order.objects.filter(pk=order.pk).update(**placement_answer(status=status, body=body))
