"""HL7 FHIR R4 (served as R4B, 4.3.0) for hospital systems: what every service's FHIR base has
in common.

- Answers are ``application/fhir+json`` whatever the client's ``Accept`` says (FHIR clients
  send ``application/fhir+json``, ``application/json`` or ``*/*``).
- Errors are ``OperationOutcome`` resources with the same HTTP status as the problem+json the
  rest of the API answers, and the platform's stable ``code`` as the issue's coding, so a
  client can branch on it exactly as on a problem's ``code``.
- ``[base]/metadata`` (and ``[base]/`` itself) answer a ``CapabilityStatement`` listing what
  the base serves; it is public, as FHIR expects.
- A path under the base that serves nothing answers a 404 ``OperationOutcome``.
"""

from dataclasses import dataclass, field
from http import HTTPStatus

from django.conf import settings
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import PROBLEM_CONTENT_TYPE, NotFound

FHIR_JSON = "application/fhir+json"
FHIR_VERSION = "4.3.0"  # R4B: R4's resources, validated with fhir.resources.R4B
NDC_SYSTEM = "http://hl7.org/fhir/sid/ndc"
GTIN_SYSTEM = "https://www.gs1.org/gtin"
# The platform's own identifier systems and definitions.
PLATFORM = "https://pharmaconnect.example/fhir"
ORGANIZATION_SYSTEM = f"{PLATFORM}/sid/organization"
PROBLEM_SYSTEM = "https://pharmaconnect.example/problems"

# OperationOutcome.issue.code (the FHIR IssueType value set) for each HTTP status.
ISSUE_TYPES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    413: "too-long",
    415: "not-supported",
    429: "throttled",
}


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"


class FhirNegotiation(BaseContentNegotiation):
    """Always FHIR JSON: there is one representation, and FHIR clients vary in what they ask."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def operation_outcome(*, status: int, code: str, detail: str) -> dict:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": ISSUE_TYPES.get(status, "exception" if status >= 500 else "processing"),
                "details": {
                    "coding": [{"system": PROBLEM_SYSTEM, "code": code}],
                    "text": HTTPStatus(status).phrase,
                },
                "diagnostics": detail,
            }
        ],
    }


class FhirApiView(APIView):
    """A read-only FHIR endpoint: FHIR JSON in every answer, errors as ``OperationOutcome``."""

    renderer_classes = [FhirJSONRenderer]
    content_negotiation_class = FhirNegotiation
    http_method_names = ["get", "head", "options"]

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        body = response.data if isinstance(response.data, dict) else {}
        response.data = operation_outcome(
            status=response.status_code,
            code=body.get("code", "error"),
            detail=str(body.get("detail", "")),
        )
        response.content_type = FHIR_JSON
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            response.content_type = FHIR_JSON
        return response


def reference_to_organization(org_id: int | None, display: str = "") -> dict:
    """An organization of auth_svc, by its platform identifier (no Organization is served)."""
    reference = {"identifier": {"system": ORGANIZATION_SYSTEM, "value": str(org_id)}}
    return {**reference, "display": display} if display else reference


def searchset(*, resources: list[dict], url: str) -> dict:
    """A search's ``Bundle``: every match, with its full URL."""
    base = url.split("?")[0].rstrip("/")
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "link": [{"relation": "self", "url": url}],
        "entry": [
            {
                "fullUrl": f"{base}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ],
    }


@dataclass(frozen=True)
class ServedResource:
    """One resource type a base serves: read by id, and search with these parameters."""

    type: str
    search_params: dict[str, str] = field(default_factory=dict)  # name -> FHIR search type
    documentation: str = ""

    def capability(self) -> dict:
        interactions = [{"code": "read"}]
        entry = {"type": self.type, "interaction": interactions}
        if self.search_params:
            interactions.append({"code": "search-type"})
            entry["searchParam"] = [
                {"name": name, "type": kind} for name, kind in self.search_params.items()
            ]
        if self.documentation:
            entry["documentation"] = self.documentation
        return entry


def capability_statement(*, resources: list[ServedResource]) -> dict:
    service = settings.SERVICE_NAME
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.now().isoformat(),
        "publisher": "PharmaConnect",
        "kind": "instance",
        "software": {"name": f"PharmaConnect {service}"},
        "implementation": {
            "description": f"PharmaConnect {service}: read-only FHIR",
            "url": f"{settings.GATEWAY_URL}/api/{service}/fhir",
        },
        "fhirVersion": FHIR_VERSION,
        "format": [FHIR_JSON, "json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": "OAuth2 bearer tokens from auth_svc (RS256 JWT); client "
                    "tokens need the scope each resource names in its documentation."
                },
                "resource": [resource.capability() for resource in resources],
            }
        ],
    }


def fhir_urlpatterns(*, resources: list[ServedResource], routes: list) -> list:
    """``routes`` (the base's resource paths, relative to it) plus its ``metadata``, the base
    itself and a 404 ``OperationOutcome`` for anything else under it."""

    class CapabilityStatementApi(FhirApiView):
        authentication_classes = []  # public, as FHIR expects of [base]/metadata
        permission_classes = [AllowAny]

        @extend_schema(
            responses={200: OpenApiTypes.OBJECT},
            operation_id="fhir_capability_statement",
            summary="The FHIR CapabilityStatement of this base.",
        )
        def get(self, request):
            return Response(capability_statement(resources=resources))

    class BaseCapabilityStatementApi(CapabilityStatementApi):
        @extend_schema(exclude=True)  # the same as [base]/metadata
        def get(self, request):
            return super().get(request)

    class NotServedApi(FhirApiView):
        authentication_classes = []
        permission_classes = [AllowAny]

        @extend_schema(exclude=True)
        def get(self, request, rest: str):
            raise NotFound(f"This FHIR base serves no '{rest}'.", code="not_supported")

    return [
        path("", BaseCapabilityStatementApi.as_view(), name="fhir-base"),
        path("metadata", CapabilityStatementApi.as_view(), name="fhir-metadata"),
        *routes,
        path("<path:rest>", NotServedApi.as_view(), name="fhir-not-served"),
    ]
