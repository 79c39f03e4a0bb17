from django.urls import path

from accounts import apis as accounts
from common.urls import service_urlpatterns
from organizations import apis as organizations
from tokens import apis as tokens

api = "api/auth/"
urlpatterns = [
    # auth issues the tokens every other admin signs in with: its own admin keeps Django's form.
    *service_urlpatterns("auth", sso_sign_in=False),
    path(f"{api}token/", tokens.LoginApi.as_view(), name="token"),
    path(f"{api}token/refresh/", tokens.RefreshApi.as_view(), name="token-refresh"),
    path(f"{api}token/revoke/", tokens.RevokeApi.as_view(), name="token-revoke"),
    path(f"{api}oauth/token/", tokens.OAuthTokenView.as_view(), name="oauth-token"),
    path(f"{api}.well-known/jwks.json", tokens.JwksApi.as_view(), name="jwks"),
    path(
        f"{api}.well-known/openid-configuration",
        tokens.OpenIdConfigurationApi.as_view(),
        name="openid-configuration",
    ),
    path(f"{api}me/", accounts.MeApi.as_view(), name="me"),
    path(f"{api}register/", accounts.RegisterApi.as_view(), name="register"),
    path(f"{api}users/", accounts.UserListApi.as_view(), name="users"),
    path(f"{api}organizations/", organizations.OrganizationListApi.as_view(), name="organizations"),
    path(
        f"{api}organizations/<int:pk>/",
        organizations.OrganizationDetailApi.as_view(),
        name="organization",
    ),
    path(f"{api}pharmacies/", organizations.PharmacyListApi.as_view(), name="pharmacies"),
]

handler400 = "common.errors.bad_request_view"
handler404 = "common.errors.not_found_view"
handler500 = "common.errors.server_error_view"
