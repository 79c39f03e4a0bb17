"""The ceiling: bare Django (no DRF, no auth, no middleware), one primary-key SELECT.

Served by gunicorn with the platform's worker model and count (sync workers, two replicas
of WEB_CONCURRENCY workers) behind its own HAProxy, so that every scenario can be read as a
fraction of what this stack can do at best on this machine.
"""

import os

import dj_database_url
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import Http404, JsonResponse
from django.urls import path

DATABASE_URL = os.environ.get(
    "CEILING_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/pharma_catalog"
)

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-ceiling-not-secret",  # noqa: S106 - a local benchmark only
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        # The same connection settings as the services (common/settings.py).
        DATABASES={
            "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
        },
        USE_TZ=True,
    )


def drug(request, pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name, ndc FROM catalog_drug WHERE id = %s", [pk])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return JsonResponse({"id": row[0], "name": row[1], "ndc": row[2]})


def healthz(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [path("drug/<int:pk>/", drug), path("healthz", healthz)]

application = get_wsgi_application()
