"""Token endpoints: password sign-in, refresh, logout, OAuth2 client credentials, JWKS."""

import base64
import binascii
import json
from itertools import chain
from urllib.parse import unquote_plus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from oauth2_provider.views import TokenView
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services as accounts
from accounts.serializers import MAX_PASSWORD_LENGTH
from common.addresses import client_ip
from common.errors import PROBLEM_CONTENT_TYPE, ApplicationError, error_response, problem
from common.quotas import quota_spend
from tokens import keys, services


class LoginIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=MAX_PASSWORD_LENGTH, trim_whitespace=False)


class RefreshIn(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


PairOut = inline_serializer(
    "TokenPair",
    {
        "access": serializers.CharField(),
        "refresh": serializers.CharField(),
        "token_type": serializers.CharField(),
        "expires_in": serializers.IntegerField(),
    },
)


def _no_store(response: HttpResponse) -> HttpResponse:
    # RFC 6749 5.1: an answer carrying a token is never cached, by a browser or a proxy.
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def _pair_response(pair: services.TokenPair) -> Response:
    return Response(
        {
            "access": pair.access,
            "refresh": pair.refresh,
            "token_type": "Bearer",
            "expires_in": pair.expires_in,
        }
    )


class PublicApi(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]


class TokenApi(PublicApi):
    """Answers a token pair; errors too are kept out of caches."""

    quota_class = "sign_in"

    def finalize_response(self, request, response, *args, **kwargs):
        return _no_store(super().finalize_response(request, response, *args, **kwargs))


class LoginApi(TokenApi):
    @extend_schema(request=LoginIn, responses=PairOut)
    def post(self, request):
        payload = LoginIn(data=request.data)
        payload.is_valid(raise_exception=True)
        user = accounts.password_sign_in(request=request, **payload.validated_data)
        return _pair_response(services.token_pair_issue(user=user))


class RefreshApi(TokenApi):
    @extend_schema(request=RefreshIn, responses=PairOut)
    def post(self, request):
        payload = RefreshIn(data=request.data)
        payload.is_valid(raise_exception=True)
        return _pair_response(
            services.token_refresh_rotate(raw_refresh=payload.validated_data["refresh"])
        )


class RevokeApi(APIView):
    required_scopes = {}  # people only: a client has no refresh token

    @extend_schema(request=RefreshIn, responses={204: None})
    def post(self, request):
        payload = RefreshIn(data=request.data)
        payload.is_valid(raise_exception=True)
        services.token_family_revoke(
            raw_refresh=payload.validated_data["refresh"], user_id=request.user.sub
        )
        return Response(status=204)


class JwksApi(PublicApi):
    @extend_schema(responses=inline_serializer("Jwks", {"keys": serializers.ListField()}))
    def get(self, request):
        response = Response(keys.jwks())
        response["Cache-Control"] = "public, max-age=60"
        return response


class OpenIdConfigurationApi(PublicApi):
    @extend_schema(
        responses=inline_serializer("OpenIdConfiguration", {"issuer": serializers.CharField()})
    )
    def get(self, request):
        issuer = settings.JWT_ISSUER
        return Response(
            {
                "issuer": issuer,
                "token_endpoint": f"{issuer}/oauth/token/",
                "jwks_uri": f"{issuer}/.well-known/jwks.json",
                "grant_types_supported": ["client_credentials"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "client_secret_basic",
                ],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": sorted(settings.OAUTH_SCOPES),
            }
        )


NUL = chr(0)


def _unreadable(request: HttpRequest) -> str | None:
    """Why this token request cannot be read, or None. Checked before DOT looks a client up:
    a NUL byte would reach PostgreSQL, which refuses it (a 500), and DOT ignores Basic
    credentials it cannot decode instead of refusing them."""
    fields = chain(request.GET.lists(), request.POST.lists())
    if any(NUL in text for name, values in fields for text in (name, *values)):
        return "A field holds a NUL byte."
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return "Basic credentials must be base64 of UTF-8 text."
    client_id, colon, secret = decoded.partition(":")
    # DOT form-decodes both parts, so %00 is a NUL byte too.
    if not colon or NUL in unquote_plus(client_id) + unquote_plus(secret):
        return "Basic credentials must be client_id:client_secret, without NUL bytes."
    return None


class OAuthTokenView(TokenView):
    """DOT's token endpoint; its OAuth2 errors also carry the platform's problem+json fields.
    A Django view, not DRF's: it spends the sign-in quota of the caller's address itself."""

    def post(self, request, *args, **kwargs):
        try:
            quota = quota_spend(klass="sign_in", caller=f"ip:{client_ip(request)}", safe=False)
        except ApplicationError as exc:
            return _no_store(error_response(exc))
        request.quota_headers = quota.headers
        reason = _unreadable(request)
        if reason is None:
            response = super().post(request, *args, **kwargs)
        else:
            response = JsonResponse(
                {"error": "invalid_request", "error_description": reason}, status=400
            )
        if response.status_code >= 400:
            body = json.loads(response.content or b"{}")
            error = body.get("error", "invalid_request")
            detail = body.get("error_description") or error.replace("_", " ").capitalize()
            response.content = json.dumps({**problem(response.status_code, error, detail), **body})
            response["Content-Type"] = PROBLEM_CONTENT_TYPE
        return _no_store(response)
