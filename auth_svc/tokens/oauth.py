"""django-oauth-toolkit wiring: client-credentials tokens are the platform's RS256 JWTs.

A client may be granted only the scopes on its ``ClientProfile``. A platform service's token
carries no role and no organization; a B2B integration's acts for its organization, in the
organization's role.
"""

import time
import uuid

from django.conf import settings
from oauth2_provider.scopes import BaseScopes

from tokens import keys
from tokens.models import ClientProfile


def _profile(application) -> ClientProfile | None:
    try:
        return application.profile
    except ClientProfile.DoesNotExist:
        return None


def signed_access_token(request, refresh_token: bool = False) -> str:
    """DOT ``ACCESS_TOKEN_GENERATOR``: the JWT an OAuth2 client receives as its access token."""
    now = int(time.time())
    profile = _profile(request.client)
    org = profile.organization if profile else None
    claims = {
        "iss": settings.JWT_ISSUER,
        "aud": settings.JWT_AUDIENCE,
        "client_id": request.client.client_id,
        "scope": " ".join(sorted(request.scopes or [])),
        "role": org.type if org else None,
        "org": org.id if org else None,
        "org_type": org.type if org else None,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + int(settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"]),
        "token_type": "access",
    }
    return keys.sign(claims)


class ClientScopes(BaseScopes):
    def get_all_scopes(self):
        return settings.OAUTH_SCOPES

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        profile = _profile(application) if application is not None else None
        return sorted(profile.scopes & set(settings.OAUTH_SCOPES)) if profile else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self.get_available_scopes(application, request)
