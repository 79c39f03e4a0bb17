"""Request id propagation, one structured access-log line per request, what a request may
carry at all (NUL bytes, its body's size), the quota headers, and messages for the admin."""

import logging
import re
import time
import uuid
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware

from common.errors import problem_response
from common.logging import request_id_var

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept only if it is short and harmless to log and forward.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

access_log = logging.getLogger("pharma.access")
# Probes and scrapes arrive every few seconds from HAProxy and Prometheus; logging them drowns
# the requests people make.
UNLOGGED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if request.path in UNLOGGED_PATHS:
                return response
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class NulByteMiddleware:
    """Refuses a query string holding a NUL byte (``%00``), 400 ``invalid_characters``.

    PostgreSQL cannot store or compare text with NUL in it, and psycopg2 raises a plain
    ValueError for it: a filter, a search box or a FHIR search handed one would answer 500.
    Bodies need no check here: DRF's and Django's form fields already refuse NUL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in unquote_plus(request.META.get("QUERY_STRING", "")):
            return problem_response(400, "invalid_characters", "The query string holds a NUL byte.")
        return self.get_response(request)


class BodySizeLimitMiddleware:
    """Refuses a body larger than the route allows (413) before anything reads it.

    DRF's parsers read the request stream directly, past Django's
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``; without this a 30 MiB JSON document would be read and
    parsed by an anonymous endpoint. A view that takes more (an upload) says so with a
    ``max_body_bytes`` attribute; every other route gets ``settings.MAX_REQUEST_BODY_BYTES``.
    gunicorn hands Django a declared length it has checked is a number (a chunked body arrives
    with none and is read as empty), so the declared length is the one to check.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
        limit = getattr(view_class, "max_body_bytes", settings.MAX_REQUEST_BODY_BYTES)
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
            return problem_response(
                413, "request_too_large", f"The request body is larger than {limit} bytes."
            )
        return None


class QuotaHeadersMiddleware:
    """Puts the caller's quota (``RateLimit-*``, set by ``common.throttling``) on the answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in getattr(request, "quota_headers", {}).items():
            response[name] = value
        return response


class AdminMessageMiddleware(MessageMiddleware):
    """Django's messages ("The drug was changed successfully."), for the admin sites only.

    Only the admin shows them; building their cookie and session storage for every API
    request cost about 4% of a drug detail's CPU.
    """

    def process_request(self, request):
        if request.path.startswith("/admin/"):
            super().process_request(request)
