"""``Idempotency-Key`` for POST endpoints that create business objects (API.md, Conventions).

A repeat of a request with the same key and the same body answers the first outcome again
(same status, same body, plus ``Idempotent-Replayed: true``); the same key with a different
body (or on another endpoint) → 409 ``idempotency_key_reused``. Keys are scoped to the caller
(``Principal.actor``).

How it stays right under concurrency: the view runs inside one transaction that first
inserts the caller's key (``INSERT .. ON CONFLICT DO NOTHING``), then executes the handler and
stores its answer. A concurrent request with the same key blocks on that insert until the
first transaction ends, then replays the stored answer; if it waits longer than
``IDEMPOTENCY_WAIT_SECONDS`` it gets 409 ``idempotency_key_in_progress`` instead. Effects and
record commit together, so a crash never leaves an answer without its effects or the reverse.
Answers of 5xx (and crashes) are not stored: the transaction rolls back and a retry runs anew.

Usage, on an ``APIView`` method::

    @idempotent()
    def post(self, request): ...

``fallback_key`` derives a key from the request when the header is absent (e.g. a
reservation's business reference).
"""

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from common.authentication import Principal
from common.errors import Conflict, ValidationFailed
from common.models import IdempotencyRecord
from common.saving import save_fields

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# How long a request waits for a concurrent one holding the same key before giving up.
DEFAULT_WAIT_SECONDS = 10
LOCK_NOT_AVAILABLE = "55P03"  # Postgres SQLSTATE raised when lock_timeout expires


# Keys are scoped to the caller's ``Principal.actor``. Before that format was shared, a machine
# token without a client id was keyed "client:-" (its actor is "client:unknown"): a retry of
# such a request still answers from the record it made, until the purge has removed it.
FORMER_IDENTITIES = {"client:unknown": "client:-"}


def _former_record_identity(identity: str, key: str) -> str | None:
    former = FORMER_IDENTITIES.get(identity)
    if former and IdempotencyRecord.objects.filter(principal=former, key=key).exists():
        return former
    return None


def request_fingerprint(request: Request) -> str:
    """SHA-256 of method, path and the parsed body in canonical form (key order ignored)."""
    data = request.data
    if hasattr(data, "lists"):  # QueryDict from a form body
        data = dict(data.lists())
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), cls=JSONEncoder, default=str)
    text = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(text.encode()).hexdigest()


def _claim(identity: str, key: str, fingerprint: str) -> int | None:
    """Insert the key; its id if this request owns it, ``None`` if it was already there.

    Two statements: the first reads the transaction's ``lock_timeout`` (a materialized CTE, so
    it is read before it is set) and sets the wait; the second inserts and puts the timeout
    back, the join making its one row only once the insert is done (or has found the key),
    so the handler's own locks wait as they would have without this.
    """
    wait_ms = int(getattr(settings, "IDEMPOTENCY_WAIT_SECONDS", DEFAULT_WAIT_SECONDS) * 1000)
    table = IdempotencyRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH previous AS MATERIALIZED (SELECT current_setting('lock_timeout') AS value) "
            "SELECT value, set_config('lock_timeout', %s, true) FROM previous",
            [f"{wait_ms}ms"],
        )
        (previous_timeout, _) = cursor.fetchone()
        try:
            cursor.execute(
                f"WITH claimed AS (INSERT INTO {table} (principal, key, request_hash, "  # noqa: S608 - table name from model meta
                "content_type, response_body, created_at) VALUES (%s, %s, %s, '', '', %s) "
                "ON CONFLICT (principal, key) DO NOTHING RETURNING id) "
                "SELECT claimed.id, set_config('lock_timeout', %s, true) "
                "FROM (VALUES (1)) AS one LEFT JOIN claimed ON true",
                [identity, key, fingerprint, timezone.now(), previous_timeout],
            )
        except OperationalError as exc:
            if getattr(exc.__cause__, "pgcode", None) == LOCK_NOT_AVAILABLE:
                raise Conflict(
                    "A request with this Idempotency-Key is still being processed.",
                    code="idempotency_key_in_progress",
                    headers={"Retry-After": "1"},
                ) from exc
            raise
        (record_id, _) = cursor.fetchone()
    return record_id


def _replay(identity: str, key: str, fingerprint: str) -> Response:
    record = IdempotencyRecord.objects.get(principal=identity, key=key)
    if record.request_hash != fingerprint:
        raise Conflict(
            "This Idempotency-Key was used with a different request.",
            code="idempotency_key_reused",
        )
    return Response(
        json.loads(record.response_body),
        status=record.status_code,
        content_type=record.content_type or None,
        headers={REPLAYED_HEADER: "true"},
    )


def _run(handler, view, request, args, kwargs) -> Response:
    try:
        with transaction.atomic():  # a savepoint: a failing handler undoes only its own work
            return handler(view, request, *args, **kwargs)
    except Exception as exc:
        return view.handle_exception(exc)  # re-raises what no handler knows: a 500


def _store(record_id: int, response: Response) -> None:
    """The answer, on the claimed record."""
    record = IdempotencyRecord(
        pk=record_id,
        status_code=response.status_code,
        response_body=json.dumps(response.data, cls=JSONEncoder),
        content_type=response.content_type or "",
    )
    save_fields(record, ["status_code", "response_body", "content_type"])


def idempotent(*, fallback_key: Callable[[Request], str | None] | None = None):
    """Decorate an ``APIView`` handler so that it honours ``Idempotency-Key``."""

    def decorate(handler):
        @functools.wraps(handler)
        def wrapper(view, request: Request, *args, **kwargs):
            key = request.headers.get(HEADER) or (fallback_key(request) if fallback_key else None)
            user = request.user
            identity = user.actor if isinstance(user, Principal) else None
            if not key or identity is None:
                return handler(view, request, *args, **kwargs)
            if len(key) > MAX_KEY_LENGTH:
                raise ValidationFailed(
                    f"{HEADER} is at most {MAX_KEY_LENGTH} characters.",
                    code="invalid_idempotency_key",
                )
            fingerprint = request_fingerprint(request)
            with transaction.atomic():
                former = _former_record_identity(identity, key)
                if former is not None:
                    return _replay(former, key, fingerprint)
                record_id = _claim(identity, key, fingerprint)
                if record_id is None:
                    return _replay(identity, key, fingerprint)
                response = _run(handler, view, request, args, kwargs)
                if response.status_code >= 500:
                    transaction.set_rollback(True)  # not an outcome: let a retry run again
                    return response
                _store(record_id, response)
            return response

        return wrapper

    return decorate


def idempotency_records_purge(*, older_than: timedelta) -> int:
    """Delete records older than ``older_than`` (clients retry within minutes, not weeks)."""
    deleted, _ = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
