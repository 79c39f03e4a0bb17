"""URL patterns every service serves: probes, metrics, OpenAPI schema, Swagger UI, admin."""

from django.contrib import admin
from django.urls import path
from django_prometheus.exports import ExportToDjangoView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from common import health, sso


def service_urlpatterns(name: str, *, sso_sign_in: bool = True) -> list:
    """``sso_sign_in``: the admin signs in through auth_svc (single sign-on); the issuer itself
    passes False and keeps Django's own sign-in form."""
    admin.site.site_header = f"PharmaConnect — {name}"
    admin.site.site_title = f"PharmaConnect {name} admin"
    sign_in = (
        [
            path(f"admin/{name}/login/", sso.sso_login, name="sso_login"),
            path(f"admin/{name}/logout/", sso.sso_logout, name="sso_logout"),
        ]
        if sso_sign_in
        else []
    )
    return [
        *sign_in,
        path("healthz", health.healthz, name="healthz"),
        path("readyz", health.readyz, name="readyz"),
        path("metrics", ExportToDjangoView, name="metrics"),
        path(f"api/{name}/schema/", SpectacularAPIView.as_view(), name="schema"),
        path(f"api/{name}/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
        path(f"admin/{name}/", admin.site.urls),
    ]
