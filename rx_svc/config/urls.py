from django.urls import include, path

from common.urls import service_urlpatterns

urlpatterns = [
    *service_urlpatterns("rx"),
    path("api/rx/", include("prescriptions.urls")),
    path("api/rx/fhir/", include("prescriptions.fhir_urls")),
]

handler400 = "common.errors.bad_request_view"
handler404 = "common.errors.not_found_view"
handler500 = "common.errors.server_error_view"
