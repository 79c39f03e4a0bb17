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
    # Integrations acting for their organization (within its role's rules).
    "orders:read": "Read the organization's orders, their events and DSCSA records",
    "orders:write": "Place, cancel, ship or take delivery of the organization's orders",
    "catalog:read": "Read the drug catalog and sellable availability",
    "catalog:write": "Create and edit drugs (distributors)",
    "inventory:read": "Read lots, the stock ledger, warehouses and stock reports (distributors)",
    "inventory:write": "Receive, adjust, quarantine, release and recall stock (distributors)",
    "pricing:read": "Read price lists, contracts, discount rules and chargebacks",
    "pricing:write": "Manage price lists, contracts, discount rules and chargebacks (distributors)",
    "pricing:quote": "Price order lines (for any buyer when a platform service asks)",
    "rx:read": "Read prescriptions and their documents",
    "rx:write": "Upload and review prescriptions",
    "organizations:read": "Read organizations, their licences and the list of pharmacies",
    "webhooks": "Register the organization's webhook endpoints and read their deliveries",
    # Platform services only: internal steps of placing and shipping an order.
    "inventory:reserve": "Reserve, release and commit stock (catalog)",
    "rx:consume": "Consume a verified prescription fill (rx)",
    "pricing:chargeback": "Report shipped lines for chargebacks (pricing)",
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
