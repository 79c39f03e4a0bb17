"""orders' FHIR base, ``/api/orders/fhir/``."""

from django.urls import path

from common.fhir import fhir_urlpatterns
from orders import fhir

urlpatterns = fhir_urlpatterns(
    resources=[fhir.SUPPLY_REQUEST, fhir.SUPPLY_DELIVERY],
    routes=[
        path("SupplyRequest", fhir.SupplyRequestSearchApi.as_view(), name="fhir-sr-search"),
        path(
            "SupplyRequest/<str:resource_id>", fhir.SupplyRequestReadApi.as_view(), name="fhir-sr"
        ),
        path("SupplyDelivery", fhir.SupplyDeliverySearchApi.as_view(), name="fhir-sd-search"),
        path(
            "SupplyDelivery/<str:resource_id>", fhir.SupplyDeliveryReadApi.as_view(), name="fhir-sd"
        ),
    ],
)
