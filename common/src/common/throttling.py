"""The DRF side of per-client quotas (``common.quotas``): which budget a request spends.

Runs after authentication, so a token's holder is known without decoding it twice. The
decision's ``RateLimit-*`` headers ride on the request until ``QuotaHeadersMiddleware`` puts
them on the answer.
"""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import BaseThrottle

from common.addresses import client_ip
from common.authentication import Principal
from common.quotas import quota_spend


def caller_key(request) -> str | None:
    """Whose budget the request spends; None for the platform's own services."""
    principal = request.user
    if isinstance(principal, Principal):
        if principal.is_service:
            return None
        if principal.is_client:
            return f"client:{principal.client_id}"
        return f"user:{principal.sub}"
    return f"ip:{client_ip(request)}"


class CallerQuotaThrottle(BaseThrottle):
    """Spends one request of the caller's budget for the view's route class; over it, 429."""

    def allow_request(self, request, view) -> bool:
        caller = caller_key(request)
        if caller is None:
            return True
        safe = request.method in SAFE_METHODS
        # A view's own class (sign_in, upload…) is for what it takes in; reads are reads.
        klass = "read" if safe else getattr(view, "quota_class", "write")
        decision = quota_spend(klass=klass, caller=caller, safe=safe)
        if decision is not None:
            request._request.quota_headers = decision.headers
        return True
