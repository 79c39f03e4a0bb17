from django.urls import include, path

from common.urls import service_urlpatterns
from inventory.metrics import metrics_view

urlpatterns = [
    # Before the common patterns: the first match wins, and this one refreshes the stock gauges.
    path("metrics", metrics_view, name="metrics"),
    *service_urlpatterns("catalog"),
    path("api/catalog/", include("catalog.urls")),
    path("api/catalog/", include("inventory.urls")),
    path("api/catalog/", include("scanning.urls")),
    path("api/catalog/", include("traceability.urls")),
    path("api/catalog/fhir/", include("catalog.fhir_urls")),
]

handler400 = "common.errors.bad_request_view"
handler404 = "common.errors.not_found_view"
handler500 = "common.errors.server_error_view"
