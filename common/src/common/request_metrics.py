"""Request metrics: the three families the dashboards and alert rules read, under the names
django-prometheus gives them, and nothing else.

django-prometheus' two middlewares write about fifteen values per request (requests by
transport, body sizes, charsets, a second latency histogram ...) and its database backend
three more per query. In multiprocess mode each write takes a lock, asks the kernel for the
process id and writes a memory-mapped file: together a tenth of a drug detail's CPU. This
middleware writes four per request (one counter, one counter, one histogram's bucket and sum)
and keeps the labelled children it has used, so a request does not go through
``labels()``' lock either. The ``/metrics`` view is still django-prometheus'.
"""

import time

from django_prometheus.conf import PROMETHEUS_LATENCY_BUCKETS
from prometheus_client import Counter, Histogram

requests_by_method = Counter(
    "django_http_requests_total_by_method", "Count of requests by method.", ["method"]
)
responses_by_status_view_method = Counter(
    "django_http_responses_total_by_status_view_method",
    "Count of responses by status, view, method.",
    ["status", "view", "method"],
)
latency_by_view_method = Histogram(
    "django_http_requests_latency_seconds_by_view_method",
    "Histogram of request processing time (every middleware included) labelled by view.",
    ["view", "method"],
    buckets=PROMETHEUS_LATENCY_BUCKETS,
)

# Anything else a client sends as a method is one label value, not one per spelling.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})
UNKNOWN_VIEW = "<unnamed view>"


class RequestMetricsMiddleware:
    """Counts each request and its answer and times it; first in ``MIDDLEWARE``, so the time
    and the status are the ones the caller gets."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Label values -> their child; bounded by the routes x methods x statuses served.
        self._children: dict[tuple, tuple] = {}

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "<invalid method>"
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match is not None else None) or UNKNOWN_VIEW
        key = (response.status_code, view, method)
        children = self._children.get(key)
        if children is None:
            children = (
                requests_by_method.labels(method),
                responses_by_status_view_method.labels(str(response.status_code), view, method),
                latency_by_view_method.labels(view, method),
            )
            self._children[key] = children
        by_method, by_status, latency = children
        by_method.inc()
        by_status.inc()
        latency.observe(time.perf_counter() - started)
        return response
