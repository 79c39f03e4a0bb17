"""Organizations and licences: admins manage them; services read them (licence checks);
anyone signed in may list the pharmacies (where a patient sends a prescription)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from common.errors import ValidationFailed
from common.permissions import has_role, service_scope
from organizations import services
from organizations.models import Organization
from organizations.serializers import OrganizationSerializer, PharmacyChoiceSerializer

AdminOnly = has_role("admin")
AdminOrReader = AdminOnly | service_scope("organizations:read")
# Organizations are written by admins only (people); clients may read them.
ORGANIZATION_SCOPES = {"read": "organizations:read"}


class OrganizationListApi(generics.ListCreateAPIView):
    required_scopes = ORGANIZATION_SCOPES
    serializer_class = OrganizationSerializer
    queryset = Organization.objects.prefetch_related("licenses").order_by("id")
    filterset_fields = ["type"]

    def get_permissions(self):
        return [AdminOnly() if self.request.method == "POST" else AdminOrReader()]

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        organization = services.organization_create(
            name=payload.validated_data["name"],
            type=payload.validated_data["type"],
            licenses=payload.validated_data.get("licenses", []),
        )
        return Response(self.get_serializer(organization).data, status=status.HTTP_201_CREATED)


class OrganizationDetailApi(generics.RetrieveUpdateAPIView):
    required_scopes = ORGANIZATION_SCOPES
    serializer_class = OrganizationSerializer
    queryset = Organization.objects.prefetch_related("licenses")
    http_method_names = ["get", "patch", "head", "options"]

    def get_permissions(self):
        return [AdminOnly() if self.request.method == "PATCH" else AdminOrReader()]

    @extend_schema(request=OrganizationSerializer)
    def partial_update(self, request, *args, **kwargs):
        organization = self.get_object()
        payload = self.get_serializer(organization, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        if "type" in payload.validated_data and payload.validated_data["type"] != organization.type:
            raise ValidationFailed("An organization's type cannot change.", code="type_immutable")
        services.organization_update(
            organization=organization,
            name=payload.validated_data.get("name"),
            licenses=payload.validated_data.get("licenses"),
        )
        return Response(
            self.get_serializer(
                Organization.objects.prefetch_related("licenses").get(pk=organization.pk)
            ).data
        )


class PharmacyListApi(generics.ListAPIView):
    """``[{id, name}]``: the pharmacies a patient may send a prescription to, by name.

    A bare list, not a page (API.md shows ``[...]``, as for an order's events): it fills a
    picker, and a platform's pharmacies are a short list. Any signed-in caller may read it
    (the default permission); the names are what a patient is shown anyway.
    """

    required_scopes = ORGANIZATION_SCOPES
    serializer_class = PharmacyChoiceSerializer
    pagination_class = None
    queryset = Organization.objects.filter(type=Organization.Type.PHARMACY).order_by("name", "id")
