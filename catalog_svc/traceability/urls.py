from django.urls import path

from traceability import apis

urlpatterns = [
    path(
        "reservations/<int:reservation_id>/shipments/",
        apis.ReservationShipmentsApi.as_view(),
        name="reservation-shipments",
    ),
    path("recalls/", apis.RecallFeedApi.as_view(), name="recall-feed"),
]
