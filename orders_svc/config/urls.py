from common.urls import service_urlpatterns

urlpatterns = [*service_urlpatterns("orders")]

handler404 = "common.errors.not_found_view"
handler500 = "common.errors.server_error_view"
