"""Single sign-on for the admin sites: auth_svc signs a staff member in once and sets a
signed cookie (an RS256 JWT, path ``/admin/``) that every service's admin accepts.

Each service maps the cookie to a local user row, created and kept in step automatically
(the pattern of Django's RemoteUserBackend), with admin permissions that follow the role:
``settings.ADMIN_ROLE_PERMISSIONS`` lists, per role, the permissions of the group ``role:<role>``.
Logging out anywhere puts the cookie's ``jti`` on a revocation list in Redis. When auth_svc
changes a person's role, organization or staff flags, or deactivates them, it moves them to a
new session generation (:func:`admin_sessions_end`): every cookie of an older generation is
dead at once, in every admin, and the next sign-in issues one that carries the current role.
"""

import logging
import time
from urllib.parse import urlencode

import jwt
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.http import HttpResponseRedirect
from django.views.decorators.http import require_POST

from common.authentication import ALGORITHM
from common.jwks import key_set
from common.redis import get_redis

log = logging.getLogger(__name__)

COOKIE_NAME = "pharma_admin"
COOKIE_PATH = "/admin/"
AUDIENCE = "pharmaconnect-admin"
TOKEN_TYPE = "admin_session"  # noqa: S105 - a claim value, not a secret
AUTH_LOGIN_URL = "/admin/auth/login/"
_REVOKED = "pharma:sso:revoked:"
# A counter per person, never expiring: a generation key that vanished would bring back the
# cookies it had ended.
_GENERATION = "pharma:sso:generation:"


def admin_session_verify(token: str, *, key_lookup=key_set.get) -> dict | None:
    """The claims of a valid, unrevoked admin-session cookie, else None."""
    try:
        header = jwt.get_unverified_header(token)
        key = key_lookup(str(header.get("kid"))) if header.get("alg") == ALGORITHM else None
        if key is None:
            return None
        claims = jwt.decode(
            token,
            key.key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=settings.JWT_ISSUER,
            options={"require": ["exp", "jti", "sub", "username", "role"]},
        )
    except jwt.PyJWTError:
        return None
    if claims.get("token_type") != TOKEN_TYPE or admin_session_revoked(
        claims["jti"], sub=str(claims["sub"]), generation=claims.get("sgen")
    ):
        return None
    return claims


def admin_session_revoked(jti: str, *, sub: str | None = None, generation=None) -> bool:
    """Whether the cookie ``jti`` was signed out, or (given its person ``sub``) was issued in
    an earlier session generation than the person's current one."""
    try:
        if sub is None:
            return bool(get_redis().exists(_REVOKED + jti))
        revoked, current = get_redis().mget([_REVOKED + jti, _GENERATION + sub])
    except redis.RedisError:
        log.warning("admin sign-in refused: revocation list unreachable")
        return True  # the back office fails closed
    return revoked is not None or int(current or 0) != int(generation or 0)


def admin_session_generation(sub: str) -> int:
    """The generation a cookie issued now for person ``sub`` carries (claim ``sgen``)."""
    return int(get_redis().get(_GENERATION + str(sub)) or 0)


def admin_sessions_end(sub: str) -> None:
    """Every admin cookie of person ``sub`` issued until now stops working in every admin:
    auth_svc calls it when their role, organization, staff flags or activity change.

    The change it follows is already committed, so a Redis outage cannot undo it; while Redis
    is down no admin cookie is accepted anyway (``admin_session_revoked`` fails closed). What
    is lost is logged loudly: the person's older cookies come back with Redis, until they
    expire (``ADMIN_SESSION_HOURS``)."""
    try:
        get_redis().incr(_GENERATION + str(sub))
    except redis.RedisError:
        log.error("admin sessions could not be ended: redis down", extra={"sub": str(sub)})


def admin_session_revoke(claims: dict) -> None:
    ttl = max(1, int(claims["exp"] - time.time()))
    try:
        get_redis().set(_REVOKED + claims["jti"], 1, ex=ttl)
    except redis.RedisError:
        log.warning("admin sign-out could not be recorded: redis down")


def _local_user(claims: dict):
    """The service's own row for the signed-in person, kept in step with the cookie on every
    request: flags, and the one ``role:<role>`` group that carries the role's permissions."""
    user_model = get_user_model()
    is_superuser = bool(claims.get("is_superuser"))
    wanted = {"email": claims.get("email", ""), "is_staff": True, "is_superuser": is_superuser}
    user, created = user_model.objects.get_or_create(username=claims["username"], defaults=wanted)
    if created or any(getattr(user, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(user, name, value)
        user.set_unusable_password()
        user.save()
    role_group = f"role:{claims['role']}"
    if list(user.groups.values_list("name", flat=True)) != [role_group]:
        user.groups.set(Group.objects.filter(name=role_group))
    return user


class AdminSingleSignOnMiddleware:
    """Signs requests to this service's admin in from the SSO cookie (after Django's
    AuthenticationMiddleware, which it overrides for the admin)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = f"/admin/{settings.SERVICE_NAME}/"

    def __call__(self, request):
        token = request.COOKIES.get(COOKIE_NAME)
        if token and request.path.startswith(self.prefix):
            claims = admin_session_verify(token)
            if claims is not None and claims.get("is_staff"):
                request.user = _local_user(claims)
                request.admin_session = claims
        return self.get_response(request)


def sso_login(request):
    """This admin's login page sends people to the one sign-in, at auth_svc."""
    next_url = request.GET.get("next") or f"/admin/{settings.SERVICE_NAME}/"
    if not next_url.startswith("/admin/"):
        next_url = f"/admin/{settings.SERVICE_NAME}/"
    return HttpResponseRedirect(f"{AUTH_LOGIN_URL}?{urlencode({'next': next_url})}")


@require_POST
def sso_logout(request):
    claims = getattr(request, "admin_session", None)
    if claims is not None:
        admin_session_revoke(claims)
    response = HttpResponseRedirect(AUTH_LOGIN_URL)
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH)
    return response


def role_groups_sync(**kwargs) -> None:
    """``post_migrate``: the ``role:<role>`` groups hold exactly the configured permissions."""
    for role, perms in getattr(settings, "ADMIN_ROLE_PERMISSIONS", {}).items():
        group, _ = Group.objects.get_or_create(name=f"role:{role}")
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            wanted += Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        group.permissions.set(wanted)
