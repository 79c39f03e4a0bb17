"""OAuth scopes: what a client-credentials token may do, declared by every endpoint.

A person's token follows their role (``common.permissions``). A client's token (no ``sub``: a
platform service, or a B2B integration acting in its organization's role) is accepted by an
endpoint only when it carries the scope the endpoint declares for the request's method:

    class OrderListApi(APIView):
        required_scopes = resource_scopes("orders")  # GET orders:read, POST orders:write

An endpoint that declares nothing accepts no client token at all, so a new endpoint is closed
to integrations until someone decides which scope opens it.
"""

from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS


class InsufficientScope(exceptions.PermissionDenied):
    default_code = "insufficient_scope"


def resource_scopes(resource: str) -> dict[str, str]:
    """``<resource>:read`` for reads (GET, HEAD, OPTIONS), ``<resource>:write`` for the rest."""
    return {"read": f"{resource}:read", "write": f"{resource}:write"}


def required_scope(view, method: str) -> str | None:
    """The scope a client token needs to call ``view`` with ``method``, or None if none may."""
    declared = getattr(view, "required_scopes", None) or {}
    return declared.get("read" if method in SAFE_METHODS else "write")


def client_scope_check(*, scopes: frozenset[str], view, method: str) -> None:
    """Raise 403 ``insufficient_scope`` unless a client token with ``scopes`` may do this."""
    needed = required_scope(view, method)
    if needed is None:
        raise InsufficientScope("This endpoint accepts no client tokens.")
    if needed not in scopes:
        raise InsufficientScope(f"Requires the scope '{needed}'.")
