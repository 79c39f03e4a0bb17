"""``ServiceClient``: the base of every typed client for calls between services.

Every call has connect and read timeouts, carries the caller's ``X-Request-ID`` and service
token, and goes through the upstream's circuit breaker. Transport errors and 5xx answers count
as failures; 4xx answers are the upstream's verdict on our request and do not. Only
idempotent reads are retried.
"""

import os
from collections.abc import Callable
from typing import ClassVar

import pybreaker
import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from common.clients.breakers import breaker_for
from common.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    UpstreamUnavailable,
    ValidationFailed,
)
from common.logging import request_id_var

# An upstream on the same network connects in milliseconds; waiting longer only ties up a
# worker. Reads get more room for a slow query, but stay well under gunicorn's timeout.
CONNECT_TIMEOUT_SECONDS = 0.5
READ_TIMEOUT_SECONDS = 5.0
POOL_SIZE = 10
READ_RETRIES = Retry(
    total=2,
    connect=2,
    read=1,
    status=2,
    backoff_factor=0.05,
    status_forcelist=(502, 503, 504),
    allowed_methods=frozenset({"GET", "HEAD"}),
    raise_on_status=False,
)


# An upstream's 4xx verdict on our request, re-raised here with its status, code and fields.
REFUSALS: dict[int, type[ApplicationError]] = {400: ValidationFailed, 404: NotFound, 409: Conflict}
PROBLEM_FIELDS = frozenset({"type", "title", "status", "detail", "code"})


def refusal(upstream: str, response: requests.Response) -> ApplicationError:
    """The typed error for an upstream's refusal. 401, 403 and 429 refuse this service's own
    credentials or rate: a fault the caller cannot fix, so they read as the upstream being
    unavailable."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    error_type = REFUSALS.get(response.status_code)
    if error_type is None:
        return UpstreamUnavailable(upstream, f"refused the call ({response.status_code})")
    extra = {name: value for name, value in body.items() if name not in PROBLEM_FIELDS}
    return error_type(body.get("detail", ""), code=body.get("code") or error_type.code, extra=extra)


class UpstreamServerError(Exception):
    """A 5xx answer, raised inside the breaker so that it counts as a failure."""

    def __init__(self, response: requests.Response):
        self.response = response
        super().__init__(f"HTTP {response.status_code}")


class ServiceClient:
    upstream: ClassVar[str]  # the registry name of the service called

    def __init__(
        self, *, base_url: str | None = None, token_provider: Callable[[], str] | None = None
    ):
        override = getattr(settings, f"{self.upstream.upper()}_URL", None)
        self.base_url = (
            base_url or override or f"{settings.GATEWAY_URL}/api/{self.upstream}"
        ).rstrip("/")
        self.token_provider = token_provider
        self.session = requests.Session()
        # Calls stay inside the platform, so no proxy or netrc applies: with ``trust_env``
        # requests looked both up in the environment on every call (0.15 ms of CPU each).
        # A CA bundle named in the environment is read once, here.
        self.session.trust_env = False
        self.session.verify = (
            os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        )
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=POOL_SIZE, max_retries=READ_RETRIES)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: dict | None = None,
        data: dict | None = None,
        params: dict | None = None,
        idempotency_key: str | None = None,
        authenticated: bool = True,
    ) -> requests.Response:
        """Send one call through the breaker; answers below 500 are returned as they are."""
        headers = {"X-Request-ID": request_id_var.get(), "Accept": "application/json"}
        if authenticated and self.token_provider is not None:
            headers["Authorization"] = f"Bearer {self.token_provider()}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        url = f"{self.base_url}/{path.lstrip('/')}"
        try:
            return breaker_for(self.upstream).call(
                self._send, method, url, json=json, data=data, params=params, headers=headers
            )
        except pybreaker.CircuitBreakerError as exc:
            raise UpstreamUnavailable(self.upstream, "circuit open") from exc
        except requests.Timeout as exc:
            raise UpstreamUnavailable(self.upstream, "timed out") from exc
        except requests.RequestException as exc:
            raise UpstreamUnavailable(self.upstream, "connection failed") from exc
        except UpstreamServerError as exc:
            raise UpstreamUnavailable(
                self.upstream, f"answered {exc.response.status_code}"
            ) from exc

    def answer(self, response: requests.Response, *expected: int) -> dict:
        """The JSON body of an expected answer (200 unless told), else the typed refusal."""
        if response.status_code not in (expected or (200,)):
            raise refusal(self.upstream, response)
        return response.json()

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        response = self.session.request(
            method, url, timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS), **kwargs
        )
        if response.status_code >= 500:
            raise UpstreamServerError(response)
        return response
