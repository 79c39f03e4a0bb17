"""auth_svc verifies the tokens it issued against its own key table, not over HTTP."""

import jwt

from common.authentication import BearerJWTAuthentication
from tokens import keys


class IssuerJWTAuthentication(BearerJWTAuthentication):
    def key_lookup(self, kid: str) -> jwt.PyJWK | None:
        return keys.public_key(kid)
