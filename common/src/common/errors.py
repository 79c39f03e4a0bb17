"""One error hierarchy for every service, rendered as RFC 9457 problem+json (API.md).

Services raise :class:`ApplicationError` subclasses; DRF's own exceptions and Django's 404
go through the same handler, so every error a client sees has ``type``, ``title``,
``status``, ``detail`` and a stable snake_case ``code``.
"""

import logging
from http import HTTPStatus

from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFilesSent
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DataError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

PROBLEM_CONTENT_TYPE = "application/problem+json"
# The largest id or count a 4-byte integer column holds; inputs above it are refused.
MAX_INT = 2**31 - 1
log = logging.getLogger(__name__)


class ApplicationError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self,
        detail: str = "",
        *,
        code: str | None = None,
        status: int | None = None,
        extra: dict | None = None,
        headers: dict | None = None,
    ):
        self.status = status or self.status
        self.code = code or self.code
        self.detail = detail or HTTPStatus(self.status).phrase
        self.extra = extra or {}
        self.headers = headers or {}
        super().__init__(self.detail)


class ValidationFailed(ApplicationError):
    status = 400
    code = "invalid"


class NotFound(ApplicationError):
    status = 404
    code = "not_found"


class Forbidden(ApplicationError):
    status = 403
    code = "permission_denied"


class Conflict(ApplicationError):
    status = 409
    code = "conflict"


class UpstreamUnavailable(ApplicationError):
    """An upstream service did not answer usably (breaker open, timeout, 5xx)."""

    status = 503
    code = "upstream_unavailable"
    retry_after_seconds = 5

    def __init__(self, upstream: str, reason: str = ""):
        self.upstream = upstream
        detail = f"The {upstream} service is unavailable{': ' + reason if reason else ''}."
        super().__init__(
            detail,
            extra={"upstream": upstream},
            headers={"Retry-After": str(self.retry_after_seconds)},
        )


def problem(status: int, code: str, detail: str, **extra) -> dict:
    return {
        "type": f"https://pharmaconnect.example/problems/{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }


def _drf_code(exc: drf.APIException) -> str:
    if isinstance(exc, drf.ValidationError):
        return "invalid"
    return getattr(exc.detail, "code", None) or exc.default_code


def problem_exception_handler(exc, context):
    """DRF ``EXCEPTION_HANDLER``: every handled error becomes problem+json."""
    if isinstance(exc, ApplicationError):
        body = problem(exc.status, exc.code, exc.detail, **exc.extra)
        return Response(
            body, status=exc.status, headers=exc.headers, content_type=PROBLEM_CONTENT_TYPE
        )
    if isinstance(exc, DataError):
        # A value the database cannot hold (a number out of range, say) that validation let
        # through: the client's fault, and the statement's transaction was rolled back.
        log.warning("value refused by the database", extra={"error": str(exc).splitlines()[0]})
        body = problem(400, "invalid_value", "A value is out of range for its field.")
        return Response(body, status=400, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    if not isinstance(exc, drf.APIException):
        return None  # a bug: let Django log it and answer 500 through handler500

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(int(exc.wait))
    extra = {}
    if isinstance(exc, drf.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        extra["errors"] = errors
        detail = "The request has invalid fields."
    else:
        detail = str(exc.detail)
    body = problem(exc.status_code, _drf_code(exc), detail, **extra)
    return Response(
        body, status=exc.status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE
    )


def problem_response(status: int, code: str, detail: str) -> JsonResponse:
    """A problem+json answer outside DRF (middleware, Django's error handlers)."""
    return JsonResponse(
        problem(status, code, detail), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


def error_response(exc: ApplicationError) -> JsonResponse:
    """An ``ApplicationError`` answered outside DRF, with its headers."""
    response = problem_response(exc.status, exc.code, exc.detail)
    for name, value in exc.headers.items():
        response[name] = value
    return response


def bad_request_view(request, exception=None):
    """``handler400``: what Django itself refuses before a view runs (a Host header not in
    ``ALLOWED_HOSTS``, a body too large or with too many files) answers problem+json too."""
    if isinstance(exception, ApplicationError):
        return error_response(exception)
    if isinstance(exception, DisallowedHost):
        return problem_response(400, "invalid_host", "The Host header names no site served here.")
    if isinstance(exception, RequestDataTooBig):
        return problem_response(413, "request_too_large", "The request body is too large.")
    if isinstance(exception, TooManyFilesSent):
        return problem_response(400, "too_many_files", "Upload one file per request.")
    return problem_response(400, "bad_request", "The request could not be read.")


def not_found_view(request, exception=None):
    """``handler404``: unknown paths answer problem+json too."""
    return problem_response(404, "not_found", "No such resource.")


def server_error_view(request):
    """``handler500``: never leak a traceback; the request id ties the answer to the log."""
    return problem_response(500, "internal_error", "Internal error; quote the X-Request-ID.")
