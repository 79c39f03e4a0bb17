"""simplejwt's tokens, signed with the platform's rotating RS256 keys and a ``kid`` header.

simplejwt signs with one static key and writes no ``kid``; these token classes use a backend
that signs with the active key from the database and verifies against published keys.
"""

import jwt
from django.conf import settings
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tokens import keys


class RotatingKeyBackend(TokenBackend):
    def __init__(self):
        super().__init__(
            "RS256",
            audience=settings.JWT_AUDIENCE,
            issuer=settings.JWT_ISSUER,
            leeway=settings.JWT_LEEWAY_SECONDS,
        )

    def encode(self, payload: dict) -> str:
        claims = {**payload, "aud": self.audience, "iss": self.issuer}
        return keys.sign(claims)

    def decode(self, token, verify: bool = True) -> dict:
        try:
            kid = jwt.get_unverified_header(str(token)).get("kid")
            if jwt.get_unverified_header(str(token)).get("alg") != "RS256" or not kid:
                raise TokenBackendError("Token must be RS256 with a key id.")
            key = keys.public_key(str(kid))
            if key is None:
                raise TokenBackendError("Token signed by an unknown key.")
            return jwt.decode(
                str(token),
                key.key,
                algorithms=["RS256"],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.get_leeway(),
                options={"verify_aud": True, "verify_signature": verify, "require": ["exp", "jti"]},
            )
        except jwt.PyJWTError as exc:
            raise TokenBackendError(f"Invalid token: {exc}") from exc


token_backend = RotatingKeyBackend()


class PlatformAccessToken(AccessToken):
    def get_token_backend(self) -> TokenBackend:
        return token_backend


class PlatformRefreshToken(RefreshToken):
    access_token_class = PlatformAccessToken

    def get_token_backend(self) -> TokenBackend:
        return token_backend
