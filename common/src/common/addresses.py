"""Where a request came from, as far as the platform's own proxy can vouch for it."""


def client_ip(request) -> str:
    """The client's address: HAProxy appends it to X-Forwarded-For; the last entry is the one
    our own proxy wrote, so a client cannot spoof it."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
