"""The catalog's FHIR base, ``/api/catalog/fhir/``."""

from django.urls import path

from catalog.fhir import MEDICATION, MedicationReadApi, MedicationSearchApi
from common.fhir import fhir_urlpatterns

urlpatterns = fhir_urlpatterns(
    resources=[MEDICATION],
    routes=[
        path("Medication", MedicationSearchApi.as_view(), name="fhir-medication-search"),
        path("Medication/<int:drug_id>", MedicationReadApi.as_view(), name="fhir-medication"),
    ],
)
