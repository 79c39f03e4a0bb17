"""rx's FHIR base, ``/api/rx/fhir/``."""

from django.urls import path

from common.fhir import fhir_urlpatterns
from prescriptions.fhir import MEDICATION_REQUEST, MedicationRequestReadApi

urlpatterns = fhir_urlpatterns(
    resources=[MEDICATION_REQUEST],
    routes=[
        path(
            "MedicationRequest/<int:pk>",
            MedicationRequestReadApi.as_view(),
            name="fhir-medication-request",
        ),
    ],
)
