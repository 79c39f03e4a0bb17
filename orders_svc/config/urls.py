from django.urls import include, path

from common.urls import service_urlpatterns
from fulfillment import apis as fulfillment
from fulfillment import epcis_apis
from orders import apis as orders

api = "api/orders/"
urlpatterns = [
    *service_urlpatterns("orders"),
    path(f"{api}fhir/", include("orders.fhir_urls")),
    path(f"{api}webhooks/", include("webhooks.urls")),
    path(api, orders.OrderListApi.as_view(), name="orders"),
    path(f"{api}<int:pk>/", orders.OrderDetailApi.as_view(), name="order"),
    path(f"{api}<int:pk>/events/", orders.OrderEventsApi.as_view(), name="order-events"),
    path(f"{api}<int:pk>/cancel/", orders.OrderCancelApi.as_view(), name="order-cancel"),
    path(f"{api}<int:pk>/ship/", fulfillment.OrderShipApi.as_view(), name="order-ship"),
    path(f"{api}<int:pk>/deliver/", fulfillment.OrderDeliverApi.as_view(), name="order-deliver"),
    path(f"{api}<int:pk>/epcis/", epcis_apis.OrderEpcisApi.as_view(), name="order-epcis"),
    path(
        f"{api}<int:pk>/transaction-record/",
        fulfillment.TransactionRecordApi.as_view(),
        name="order-transaction-record",
    ),
]

handler400 = "common.errors.bad_request_view"
handler404 = "common.errors.not_found_view"
handler500 = "common.errors.server_error_view"
