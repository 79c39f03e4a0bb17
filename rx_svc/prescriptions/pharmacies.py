"""auth_svc's word on the pharmacy a patient sends a prescription to (rx → auth; auth calls
no one, so the call graph stays one-way)."""

import functools

from common.clients.auth import AuthClient, Pharmacy, ServiceToken
from common.errors import NotFound, ValidationFailed


@functools.cache
def auth_client() -> AuthClient:
    """One client per process, so its service token is fetched once and reused."""
    return AuthClient(token_provider=ServiceToken())


def receiving_pharmacy(*, pharmacy_id: int) -> Pharmacy:
    """The pharmacy ``pharmacy_id``, if it is one: 400 ``unknown_pharmacy`` for an unknown
    organization or one that is not a pharmacy; ``UpstreamUnavailable`` (503) when auth
    cannot say. Looked-up pharmacies are cached for a few minutes (``AuthClient.pharmacy``)."""
    try:
        return auth_client().pharmacy(pharmacy_id)
    except NotFound as exc:
        message = f"There is no pharmacy {pharmacy_id} to send a prescription to."
        raise ValidationFailed(
            message, code="unknown_pharmacy", extra={"errors": {"pharmacy": [message]}}
        ) from exc
