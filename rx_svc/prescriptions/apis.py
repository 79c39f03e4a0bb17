"""The rx API (API.md): thin views that validate, call one service or selector, serialize."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from common.parsers import JSONParser
from common.permissions import has_role, service_scope
from common.scopes import resource_scopes
from prescriptions import selectors, services
from prescriptions.actors import Actor
from prescriptions.documents import KINDS
from prescriptions.models import DocumentAccess, Prescription
from prescriptions.serializers import (
    ApproveSerializer,
    ConsumeSerializer,
    DocumentAccessQuerySerializer,
    DocumentAccessSerializer,
    FillRevertSerializer,
    FillSerializer,
    OrderRefSerializer,
    PrescriptionDetailSerializer,
    PrescriptionListQuerySerializer,
    PrescriptionSerializer,
    PrescriptionUploadSerializer,
    RejectSerializer,
)
from prescriptions.streaming import AnyMediaRenderer, document_response

Patient = has_role("patient")
Pharmacist = has_role("pharmacist")
PatientOrPharmacist = has_role("patient", "pharmacist")
Admin = has_role("admin")
OrdersService = service_scope("rx:consume")
RX_SCOPES = resource_scopes("rx")
CONSUME_SCOPES = {"write": "rx:consume"}


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(
    get=extend_schema(
        parameters=[PrescriptionListQuerySerializer],
        description="A patient's own prescriptions (newest first); for pharmacists their "
        "pharmacy's review queue (oldest first), e.g. `?status=pending_review`.",
    ),
    post=extend_schema(
        request={"multipart/form-data": PrescriptionUploadSerializer},
        responses={201: PrescriptionSerializer},
        description="Upload a prescription: a PDF, JPEG or PNG of at most 10 MiB, its type "
        "decided by its content, sent to `pharmacy` (an id from `GET /api/auth/pharmacies/`; "
        "anything else is 400 `unknown_pharmacy`). The same file uploaded again by the same "
        "patient answers 409 `duplicate_document` with the existing prescription's id in "
        "`prescription`.",
    ),
)
class PrescriptionListApi(generics.ListCreateAPIView):
    required_scopes = RX_SCOPES
    serializer_class = PrescriptionSerializer
    parser_classes = [MultiPartParser, FormParser]
    # An upload's limit, not the platform's 1 MiB for other bodies (BodySizeLimitMiddleware):
    # a body declaring more is still refused (413 request_too_large) before a byte is read.
    max_body_bytes = settings.RX_MAX_UPLOAD_REQUEST_BYTES
    quota_class = "upload"
    queryset = Prescription.objects.none()  # for the schema; requests use the selector

    def get_permissions(self):
        return [Patient() if self.request.method == "POST" else PatientOrPharmacist()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        query = _valid(PrescriptionListQuerySerializer, self.request.query_params)
        return selectors.prescription_list(principal=self.request.user, status=query.get("status"))

    def create(self, request, *args, **kwargs):
        data = _valid(PrescriptionUploadSerializer, request.data)
        prescription = services.prescription_upload(
            patient_id=request.user.sub,
            by=Actor.from_principal(request.user),
            document=data["file"],
            drug_id=data["drug"],
            quantity=data["quantity"],
            prescriber_name=data["prescriber_name"],
            prescriber_license=data["prescriber_license"],
            written_on=data["written_on"],
            pharmacy_id=data["pharmacy"],
        )
        return Response(PrescriptionSerializer(prescription).data, status=status.HTTP_201_CREATED)


class PrescriptionDetailApi(APIView):
    required_scopes = RX_SCOPES
    permission_classes = [PatientOrPharmacist]

    @extend_schema(responses=PrescriptionDetailSerializer)
    def get(self, request, pk: int):
        prescription = selectors.prescription_get(
            principal=request.user, prescription_id=pk, with_events=True
        )
        return Response(PrescriptionDetailSerializer(prescription).data)


class PrescriptionDocumentApi(APIView):
    required_scopes = RX_SCOPES
    permission_classes = [PatientOrPharmacist]
    renderer_classes = [JSONRenderer, AnyMediaRenderer]

    @extend_schema(
        responses={
            (200, kind.content_type): OpenApiResponse(OpenApiTypes.BINARY) for kind in KINDS
        },
        description="Streams the document (owner and pharmacists); every read is logged.",
    )
    def get(self, request, pk: int):
        prescription = selectors.prescription_get(principal=request.user, prescription_id=pk)
        handle = services.document_open(
            prescription=prescription,
            reader=Actor.from_principal(request.user),
            channel=DocumentAccess.Channel.API,
            request_id=getattr(request, "request_id", ""),
        )
        return document_response(prescription, handle)


class _DecisionApi(APIView):
    """A pharmacist's decision on one prescription of their own pharmacy (one service each;
    another pharmacy's is 404); the answer is the prescription."""

    required_scopes = RX_SCOPES

    permission_classes = [Pharmacist]
    parser_classes = [JSONParser, FormParser]
    body: type[serializers.Serializer] | None = None
    decide = None  # the service, called with prescription_id, by and the body's fields

    def post(self, request, pk: int):
        data = _valid(self.body, request.data) if self.body else {}
        prescription = type(self).decide(
            prescription_id=pk,
            pharmacy_id=selectors.pharmacy_of(principal=request.user),
            by=Actor.from_principal(request.user),
            **data,
        )
        return Response(PrescriptionSerializer(prescription).data)


def _decision_schema(body, summary: str):
    return extend_schema_view(
        post=extend_schema(request=body, responses=PrescriptionSerializer, summary=summary)
    )


@_decision_schema(None, "Claim it for review: pending_review -> in_review, held by the caller.")
class PrescriptionClaimApi(_DecisionApi):
    decide = services.prescription_claim


@_decision_schema(None, "Hand a held prescription back to the queue.")
class PrescriptionReleaseApi(_DecisionApi):
    decide = services.prescription_release


@_decision_schema(ApproveSerializer, "The holder approves it: in_review -> verified.")
class PrescriptionApproveApi(_DecisionApi):
    body = ApproveSerializer
    decide = services.prescription_approve


@_decision_schema(RejectSerializer, "The holder rejects it with a reason: in_review -> rejected.")
class PrescriptionRejectApi(_DecisionApi):
    body = RejectSerializer
    decide = services.prescription_reject


class PrescriptionConsumeApi(APIView):
    required_scopes = CONSUME_SCOPES
    permission_classes = [OrdersService]
    parser_classes = [JSONParser]

    @extend_schema(
        request=ConsumeSerializer,
        responses={201: FillSerializer, 200: FillSerializer},
        description="Internal (service token, scope `rx:consume`): use one fill for an order. "
        "201 when a fill was used; 200 when the same `order_ref` was already answered.",
    )
    def post(self, request, pk: int):
        data = _valid(ConsumeSerializer, request.data)
        outcome = services.prescription_consume(
            prescription_id=pk,
            order_ref=data["order_ref"],
            drug_id=data["drug"],
            quantity=data["quantity"],
            patient_id=data.get("patient"),
            by=Actor.from_principal(request.user),
        )
        answer = status.HTTP_201_CREATED if outcome.changed else status.HTTP_200_OK
        return Response(FillSerializer(outcome).data, status=answer)


class PrescriptionFillRevertApi(APIView):
    required_scopes = CONSUME_SCOPES
    permission_classes = [OrdersService]
    parser_classes = [JSONParser]

    @extend_schema(
        request=None,
        responses=FillRevertSerializer,
        description="Internal (scope `rx:consume`), the saga's compensation: give back the "
        "fill `order_ref` used. Repeats are harmless; reverting an order whose consume never "
        "arrived records that, and the late consume is refused (409 `order_reverted`).",
    )
    def post(self, request, pk: int, order_ref: str):
        order_ref = _valid(OrderRefSerializer, {"order_ref": order_ref})["order_ref"]
        outcome = services.prescription_fill_revert(
            prescription_id=pk, order_ref=order_ref, by=Actor.from_principal(request.user)
        )
        return Response(FillRevertSerializer(outcome).data)


@extend_schema_view(get=extend_schema(parameters=[DocumentAccessQuerySerializer]))
class DocumentAccessListApi(generics.ListAPIView):
    """Who read which prescription document, when (admins)."""

    required_scopes = RX_SCOPES

    permission_classes = [Admin]
    serializer_class = DocumentAccessSerializer
    queryset = DocumentAccess.objects.none()  # for the schema; requests use the selector

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        query = _valid(DocumentAccessQuerySerializer, self.request.query_params)
        return selectors.document_access_list(
            prescription_id=query.get("prescription"), reader_id=query.get("reader")
        )
