"""Request id propagation and one structured access-log line per request."""

import logging
import re
import time
import uuid

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
