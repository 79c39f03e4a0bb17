"""Login throttling: repeated failures lock an account, and an address, out for a while.

Counters live in Redis (shared by every replica) and change atomically. If Redis is down,
logins go on unthrottled rather than locking everyone out; the failure is logged.
"""

import logging

import redis
from django.conf import settings

from accounts.models import User
from common.errors import ApplicationError
from common.redis import get_redis

log = logging.getLogger(__name__)
PREFIX = "pharma:login"


class TooManyAttempts(ApplicationError):
    status = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int):
        super().__init__(
            "Too many failed sign-ins; try again later.",
            headers={"Retry-After": str(max(1, retry_after))},
        )


def _account(username: str) -> str:
    """One counter per account, however its name is typed (see ``accounts.models``)."""
    return f"acct:{User.normalize_username(username).strip().lower()}"


def _subjects(username: str, ip: str) -> list[tuple[str, int]]:
    subjects = [(_account(username), settings.LOGIN_MAX_FAILURES_PER_ACCOUNT)]
    if ip:
        subjects.append((f"ip:{ip}", settings.LOGIN_MAX_FAILURES_PER_IP))
    return subjects


def login_allowed_check(*, username: str, ip: str) -> None:
    """Raise ``TooManyAttempts`` while the account or the address is locked out."""
    try:
        ttls = [
            get_redis().ttl(f"{PREFIX}:lock:{subject}") for subject, _ in _subjects(username, ip)
        ]
    except redis.RedisError:
        log.warning("login throttling unavailable: redis down")
        return
    locked = [ttl for ttl in ttls if ttl and ttl > 0]
    if locked:
        raise TooManyAttempts(retry_after=max(locked))


def login_failure_record(*, username: str, ip: str) -> None:
    try:
        pipe = get_redis().pipeline()
        subjects = _subjects(username, ip)
        for subject, _ in subjects:
            pipe.incr(f"{PREFIX}:fail:{subject}")
            pipe.expire(f"{PREFIX}:fail:{subject}", settings.LOGIN_FAILURE_WINDOW_SECONDS, nx=True)
        counts = pipe.execute()[::2]
        for (subject, limit), count in zip(subjects, counts, strict=True):
            if count >= limit:
                get_redis().set(f"{PREFIX}:lock:{subject}", 1, ex=settings.LOGIN_LOCKOUT_SECONDS)
                get_redis().delete(f"{PREFIX}:fail:{subject}")
    except redis.RedisError:
        log.warning("login throttling unavailable: redis down")


def login_success_record(*, username: str) -> None:
    try:
        get_redis().delete(f"{PREFIX}:fail:{_account(username)}")
    except redis.RedisError:
        log.warning("login throttling unavailable: redis down")
