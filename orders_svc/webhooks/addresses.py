"""Where a webhook may point: a public address only (unless settings allow private ones, for
local development and tests), so a registration cannot aim the platform at its own insides."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from common.errors import ValidationFailed


def url_refusal(url: str) -> str | None:
    """Why the platform must not call ``url``, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "Use an http(s) URL."
    if settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        return None
    if parts.scheme != "https":
        return "Use https."
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError:
        return "The host does not resolve."
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return "The host resolves to a private address."
    return None


def url_check(url: str) -> None:
    reason = url_refusal(url)
    if reason:
        raise ValidationFailed(
            reason, code="invalid_webhook_url", extra={"errors": {"url": [reason]}}
        )
