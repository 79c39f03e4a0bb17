"""The catalog as FHIR ``Medication`` resources, for hospital systems (read-only).

A drug's NDC (hyphenated, as on the label) and its GTIN are its codings; the dosage form, the
active ingredient with its strength as a ratio (numerator in UCUM where the unit is one), the
pack as ``amount``, and the DEA schedule as an extension coded both in the platform's codes
(``CII``…``CV``) and in the NCI Thesaurus codes the FDA's labels use.
"""

import re
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from catalog.identifiers import gtin_is_valid, ndc_to_11
from catalog.models import Drug
from common.errors import ValidationFailed
from common.fhir import (
    GTIN_SYSTEM,
    NDC_SYSTEM,
    PLATFORM,
    FhirApiView,
    ServedResource,
    searchset,
)
from common.scopes import resource_scopes

SCHEDULE_EXTENSION = f"{PLATFORM}/StructureDefinition/dea-schedule"
SCHEDULE_SYSTEM = f"{PLATFORM}/CodeSystem/dea-schedule"
NCI_THESAURUS = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
# NCI Thesaurus concepts for the DEA schedules (as in the FDA's structured product labels).
NCI_SCHEDULES = {"CII": "C48675", "CIII": "C48676", "CIV": "C48677", "CV": "C48679"}
UCUM = "http://unitsofmeasure.org"
UCUM_UNITS = {"mg": "mg", "g": "g", "mcg": "ug", "ug": "ug", "ml": "mL", "l": "L", "%": "%"}
# "20 mg", "0.5 mg/5 mL", "100 mcg/mL", "2%".
STRENGTH = re.compile(
    r"^\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>[a-zA-Z%µ]+)"
    r"(?:\s*/\s*(?P<per_value>\d+(?:\.\d+)?)?\s*(?P<per_unit>[a-zA-Z]+))?\s*$"
)
MEDICATION = ServedResource(
    "Medication",
    {"code": "token"},
    "Scope catalog:read. Search by code: an NDC (hyphenated or 11 digits) or a GTIN-14, "
    "optionally as system|code.",
)


def _quantity(value: str, unit: str) -> dict:
    quantity = {"value": Decimal(value), "unit": unit}
    ucum = UCUM_UNITS.get(unit.lower())
    return {**quantity, "system": UCUM, "code": ucum} if ucum else quantity


def _strength(drug: Drug) -> dict | None:
    match = STRENGTH.match(drug.strength or "")
    if match is None:
        return None
    try:
        numerator = _quantity(match["value"], match["unit"])
        if match["per_unit"]:
            denominator = _quantity(match["per_value"] or "1", match["per_unit"])
        else:
            denominator = {"value": Decimal(1), "unit": drug.dosage_form or drug.unit}
    except InvalidOperation:
        return None
    return {"numerator": numerator, "denominator": denominator}


def _schedule_extension(schedule: str) -> list[dict]:
    if not schedule:
        return []
    coding = [
        {"system": SCHEDULE_SYSTEM, "code": schedule, "display": f"DEA Schedule {schedule[1:]}"},
        {"system": NCI_THESAURUS, "code": NCI_SCHEDULES[schedule]},
    ]
    return [{"url": SCHEDULE_EXTENSION, "valueCodeableConcept": {"coding": coding}}]


def medication_resource(drug: Drug) -> dict:
    ingredient = {"itemCodeableConcept": {"text": drug.generic_name}, "isActive": True}
    strength = _strength(drug)
    if strength is not None:
        ingredient["strength"] = strength
    resource = {
        "resourceType": "Medication",
        "id": str(drug.pk),
        "meta": {"lastUpdated": drug.updated_at.isoformat()},
        "extension": _schedule_extension(drug.schedule),
        "code": {
            "coding": [
                {"system": NDC_SYSTEM, "code": drug.ndc, "display": drug.name},
                {"system": GTIN_SYSTEM, "code": drug.gtin},
            ],
            "text": drug.name,
        },
        "status": "active" if drug.active else "inactive",
        "manufacturer": {"display": drug.manufacturer} if drug.manufacturer else None,
        "form": {"text": drug.dosage_form} if drug.dosage_form else None,
        "amount": {
            "numerator": {"value": drug.pack_size, "unit": drug.unit},
            "denominator": {"value": 1, "unit": "package"},
        },
        "ingredient": [ingredient],
    }
    return {name: value for name, value in resource.items() if value not in (None, [])}


def drugs_by_code(code: str) -> QuerySet[Drug]:
    """Drugs with this NDC (any layout, or 11 digits) or GTIN-14; ``system|code`` narrows."""
    system, _, value = code.rpartition("|")
    value = value.strip()
    if system not in ("", NDC_SYSTEM, GTIN_SYSTEM):
        return Drug.objects.none()
    if system != NDC_SYSTEM and len(value) == 14 and value.isdigit():
        if not gtin_is_valid(value):
            raise ValidationFailed(f"GTIN {value} has a wrong check digit.", code="bad_check_digit")
        return Drug.objects.filter(gtin=value)
    if system == GTIN_SYSTEM:
        return Drug.objects.none()
    try:
        ndc11 = value if len(value) == 11 and value.isdigit() else ndc_to_11(value)
    except ValueError as exc:
        raise ValidationFailed(
            f"'{value}' is neither an NDC nor a GTIN-14.", code="invalid_code"
        ) from exc
    return Drug.objects.filter(ndc11=ndc11)


class MedicationReadApi(FhirApiView):
    required_scopes = resource_scopes("catalog")
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        operation_id="fhir_medication_read",
        summary="A drug as a FHIR Medication.",
    )
    def get(self, request, drug_id: int):
        return Response(medication_resource(get_object_or_404(Drug, pk=drug_id)))


class MedicationSearchApi(FhirApiView):
    required_scopes = resource_scopes("catalog")
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("code", str, required=True)],
        responses={200: OpenApiTypes.OBJECT},
        operation_id="fhir_medication_search",
        summary="Medications by NDC or GTIN, as a FHIR searchset Bundle.",
    )
    def get(self, request):
        code = request.query_params.get("code", "").strip()
        if not code:
            raise ValidationFailed("Search by code (an NDC or a GTIN).", code="code_required")
        drugs = drugs_by_code(code).order_by("pk")[:50]
        return Response(
            searchset(
                resources=[medication_resource(drug) for drug in drugs],
                url=request.build_absolute_uri(),
            )
        )
