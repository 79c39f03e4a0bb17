"""Settings of the auth service: the common base plus identity, OAuth2 and token issuing."""

import os
from datetime import timedelta

from common.settings import *  # noqa: F403
from common.settings import COMMON_APPS, JWT_AUDIENCE, JWT_ISSUER, service_settings

globals().update(service_settings("auth"))

INSTALLED_APPS = [
    *COMMON_APPS,
    "django.contrib.postgres",
    "oauth2_provider",
    "rest_framework_simplejwt.token_blacklist",
    "organizations",
    "accounts",
    "tokens",
]
AUTH_USER_MODEL = "accounts.User"
# Every password check (API sign-in, admin login) goes through the lockout.
AUTHENTICATION_BACKENDS = ["accounts.backends.LockoutModelBackend"]
# auth_svc is the sign-in: its admin uses Django sessions and issues the SSO cookie instead of
# accepting it.
MIDDLEWARE = [
    "tokens.sso.AdminSessionCookieMiddleware"
    if name == "common.sso.AdminSingleSignOnMiddleware"
    else name
    for name in MIDDLEWARE
]
# The issuer verifies its own tokens against its key table, never over HTTP to itself.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_AUTHENTICATION_CLASSES": ["tokens.authentication.IssuerJWTAuthentication"],
}
SEED_STEPS = ["tokens.seed.seed_identity"]

ACCESS_TOKEN_LIFETIME = timedelta(minutes=int(os.environ.get("ACCESS_TOKEN_MINUTES", "10")))
REFRESH_TOKEN_LIFETIME = timedelta(hours=int(os.environ.get("REFRESH_TOKEN_HOURS", "24")))
# Admin single sign-on: a signed cookie for every /admin/<svc>/ behind the gateway.
ADMIN_SESSION_LIFETIME = timedelta(hours=int(os.environ.get("ADMIN_SESSION_HOURS", "8")))

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": ACCESS_TOKEN_LIFETIME,
    "REFRESH_TOKEN_LIFETIME": REFRESH_TOKEN_LIFETIME,
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": "RS256",
    "AUDIENCE": JWT_AUDIENCE,
    "ISSUER": JWT_ISSUER,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
    "AUTH_HEADER_TYPES": ("Bearer",),
}

# Scopes a client may be granted; each client's own are on its ClientProfile.
OAUTH_SCOPES = {
    "inventory:reserve": "Reserve, release and commit stock (catalog)",
    "catalog:read": "Read the drug catalog",
    "rx:consume": "Consume a verified prescription fill (rx)",
    "pricing:quote": "Price order lines for any buyer (pricing)",
    "pricing:chargeback": "Report shipped lines for chargebacks (pricing)",
    "organizations:read": "Read organizations and their licences (auth)",
    "orders:read": "Read the organization's orders",
    "orders:write": "Place and cancel the organization's orders",
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
    "ACCESS_TOKEN_GENERATOR": "tokens.oauth.signed_access_token",
    # DOT uses the access generator for refresh tokens too unless told otherwise.
    "REFRESH_TOKEN_GENERATOR": "oauthlib.oauth2.rfc6749.tokens.random_token_generator",
    "SCOPES_BACKEND_CLASS": "tokens.oauth.ClientScopes",
    "SCOPES": OAUTH_SCOPES,
    "PKCE_REQUIRED": True,
    # Client credentials is the only grant: people sign in at /token/, under the lockout, and
    # no client may exchange a password here (the full server checked the password before the
    # client's grant type, which made it an oracle).
    "OAUTH2_SERVER_CLASS": "oauthlib.oauth2.BackendApplicationServer",
}

# Login throttling: failures per account and per client address before a temporary lockout.
LOGIN_MAX_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", "5"))
LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("LOGIN_MAX_FAILURES_PER_IP", "20"))
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", str(15 * 60)))
