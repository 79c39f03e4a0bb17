"""Standard Webhooks signing (``standardwebhooks``): secrets and the three headers."""

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook

from webhooks.models import Endpoint

SECRET_BYTES = 32


def secret_new() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signed_headers(*, endpoint: Endpoint, msg_id: str, at: datetime, body: str) -> dict:
    """``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (one ``v1,…`` per
    valid secret: the current one, and the previous one during a rotation)."""
    secrets_in_use = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_until
        and at < (endpoint.previous_secret_until)
    ):
        secrets_in_use.append(endpoint.previous_secret)
    signatures = [Webhook(secret).sign(msg_id, at, body) for secret in secrets_in_use]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
        "Content-Type": "application/json",
        "User-Agent": "PharmaConnect-Webhooks/1",
    }
