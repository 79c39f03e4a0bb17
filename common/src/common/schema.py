"""OpenAPI: the bearer-JWT scheme of every service (drf-spectacular extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerJWTScheme(OpenApiAuthenticationExtension):
    target_class = "common.authentication.BearerJWTAuthentication"
    match_subclasses = True
    name = "bearerJWT"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
