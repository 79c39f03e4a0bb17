from django.urls import include, path

from common.urls import service_urlpatterns

urlpatterns = [
    *service_urlpatterns("pricing"),
    path("api/pricing/", include("prices.urls")),
    path("api/pricing/", include("contracts.urls")),
    path("api/pricing/", include("discounts.urls")),
    path("api/pricing/", include("quotes.urls")),
    path("api/pricing/", include("chargebacks.urls")),
]

handler400 = "common.errors.bad_request_view"
handler404 = "common.errors.not_found_view"
handler500 = "common.errors.server_error_view"
