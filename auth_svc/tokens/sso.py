"""The issuing side of admin single sign-on (see ``common.sso``): signing in to auth_svc's
admin sets the cookie every admin accepts; signing out here revokes it everywhere."""

import time
import uuid

from django.conf import settings
from django.contrib.auth import logout

from accounts.models import User
from common import sso
from tokens import keys

# The jti of the cookie issued for this Django session.
SESSION_KEY = "sso_jti"
# The claims that decide what the cookie opens; a cookie whose values differ from the user's
# current ones is replaced (a role changed since it was issued, say).
RIGHTS_CLAIMS = ("sub", "username", "role", "org", "is_staff", "is_superuser")


def _rights(claims: dict) -> dict:
    return {name: claims.get(name) for name in RIGHTS_CLAIMS}


def admin_session_claims(user: User) -> dict:
    now = int(time.time())
    return {
        "iss": settings.JWT_ISSUER,
        "aud": sso.AUDIENCE,
        "sub": str(user.pk),
        "username": user.username,
        "email": user.email,
        "role": user.role,
        "org": user.organization_id,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "token_type": sso.TOKEN_TYPE,
        "jti": uuid.uuid4().hex,
        # Ends with the person's session generation (a role change, a deactivation).
        "sgen": sso.admin_session_generation(str(user.pk)),
        "iat": now,
        "exp": now + int(settings.ADMIN_SESSION_LIFETIME.total_seconds()),
    }


class AdminSessionCookieMiddleware:
    """Keeps the SSO cookie and the auth admin's own session in step: signing in sets the
    cookie; signing out here revokes it; signing out at any other admin (which revokes the
    cookie) ends this session too, so the sign-in does not silently come back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/admin/auth/"):
            return self.get_response(request)
        issued = request.session.get(SESSION_KEY)
        if issued and request.user.is_authenticated and sso.admin_session_revoked(issued):
            logout(request)
        response = self.get_response(request)
        token = request.COOKIES.get(sso.COOKIE_NAME)
        claims = sso.admin_session_verify(token, key_lookup=keys.public_key) if token else None
        user = request.user
        if user.is_authenticated and user.is_staff and user.is_active:
            issuing = admin_session_claims(user)
            # Checked on every request here, so at every sign-in too: a cookie issued before
            # a role change never survives a visit to auth's admin.
            if claims is None or _rights(claims) != _rights(issuing):
                if claims is not None:
                    sso.admin_session_revoke(claims)
                request.session[SESSION_KEY] = issuing["jti"]
                response.set_cookie(
                    sso.COOKIE_NAME,
                    keys.sign(issuing),
                    max_age=int(settings.ADMIN_SESSION_LIFETIME.total_seconds()),
                    path=sso.COOKIE_PATH,
                    secure=request.is_secure(),
                    httponly=True,
                    samesite="Lax",
                )
        elif token:
            if claims is not None:
                sso.admin_session_revoke(claims)
            response.delete_cookie(sso.COOKIE_NAME, path=sso.COOKIE_PATH)
        return response
