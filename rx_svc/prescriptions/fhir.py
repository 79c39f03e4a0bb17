"""A verified prescription as a FHIR ``MedicationRequest`` (read-only), for hospital and
pharmacy systems. Its patient and the pharmacists of the pharmacy it was sent to may read it
(``selectors.prescriptions_visible_to``); to anyone else it does not exist (404). One still in
review or rejected is no request a system should act on: 404 ``not_verified``.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from common.errors import NotFound
from common.fhir import (
    NDC_SYSTEM,
    PLATFORM,
    FhirApiView,
    ServedResource,
    reference_to_organization,
)
from common.permissions import has_role
from common.scopes import resource_scopes
from prescriptions.models import Prescription
from prescriptions.selectors import prescription_get

Status = Prescription.Status
# What the platform's statuses mean to a FHIR client; only these are served.
REQUEST_STATUS = {Status.VERIFIED: "active", Status.USED_UP: "completed", Status.EXPIRED: "stopped"}
PATIENT_SYSTEM = f"{PLATFORM}/sid/user"
PRESCRIPTION_SYSTEM = f"{PLATFORM}/sid/prescription"
PRESCRIBER_LICENSE_SYSTEM = f"{PLATFORM}/sid/prescriber-license"
MEDICATION_REQUEST = ServedResource(
    "MedicationRequest",
    documentation="Scope rx:read. A verified prescription; its patient and its pharmacy's "
    "pharmacists only.",
)


def medication_request_resource(prescription: Prescription) -> dict:
    status = prescription.effective_status
    resource = {
        "resourceType": "MedicationRequest",
        "id": str(prescription.pk),
        "meta": {"lastUpdated": prescription.updated_at.isoformat()},
        "identifier": [{"system": PRESCRIPTION_SYSTEM, "value": str(prescription.pk)}],
        "status": REQUEST_STATUS[status],
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [
                {
                    "system": NDC_SYSTEM,
                    "code": prescription.drug_ndc,
                    "display": prescription.drug_name,
                }
            ]
            if prescription.drug_ndc
            else [],
            "text": prescription.drug_name,
        },
        "subject": {"identifier": {"system": PATIENT_SYSTEM, "value": prescription.patient_id}},
        "authoredOn": prescription.written_on.isoformat(),
        "requester": {
            "identifier": {
                "system": PRESCRIBER_LICENSE_SYSTEM,
                "value": prescription.prescriber_license,
            },
            "display": prescription.prescriber_name,
        },
        "dispenseRequest": {
            "validityPeriod": {"start": prescription.written_on.isoformat()},
            "numberOfRepeatsAllowed": prescription.refills,
            "quantity": {"value": prescription.quantity, "unit": "package"},
            "performer": reference_to_organization(prescription.pharmacy_id),
        },
    }
    if status == Status.EXPIRED:
        resource["statusReason"] = {"text": "The prescription's validity ended."}
    if prescription.valid_until:
        resource["dispenseRequest"]["validityPeriod"]["end"] = prescription.valid_until.isoformat()
    if not resource["medicationCodeableConcept"]["coding"]:
        del resource["medicationCodeableConcept"]["coding"]
    return resource


class MedicationRequestReadApi(FhirApiView):
    required_scopes = resource_scopes("rx")
    permission_classes = [has_role("patient", "pharmacist")]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        operation_id="fhir_medication_request_read",
        summary="A verified prescription as a FHIR MedicationRequest.",
    )
    def get(self, request, pk: int):
        prescription = prescription_get(principal=request.user, prescription_id=pk)
        if prescription.effective_status not in REQUEST_STATUS:
            raise NotFound(
                f"Prescription {pk} is {prescription.status}: not a verified request.",
                code="not_verified",
            )
        return Response(medication_request_resource(prescription))
