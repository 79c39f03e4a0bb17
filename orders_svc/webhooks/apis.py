"""Registering webhook endpoints: an organization's people (its hospital, pharmacy or
distributor accounts) or an integration with the ``webhooks`` scope, for their own
organization only."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from common.permissions import has_role
from webhooks import services
from webhooks.models import Delivery, Endpoint
from webhooks.serializers import DeliveryOut, EndpointIn, EndpointOut, EndpointWithSecretOut

WEBHOOK_SCOPES = {"read": "webhooks", "write": "webhooks"}
OrganizationMembers = has_role("hospital", "pharmacy", "distributor")


class EndpointListApi(generics.ListAPIView):
    required_scopes = WEBHOOK_SCOPES
    permission_classes = [OrganizationMembers]
    serializer_class = EndpointOut
    queryset = Endpoint.objects.none()

    def get_queryset(self):
        organization = services.organization_of(self.request.user)
        return Endpoint.objects.filter(organization=organization).order_by("pk")

    @extend_schema(request=EndpointIn, responses={201: EndpointWithSecretOut})
    def post(self, request):
        payload = EndpointIn(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        endpoint = services.endpoint_create(
            principal=request.user,
            url=data["url"],
            events=data["events"],
            description=data["description"],
            by=request.user.actor,
        )
        return Response(EndpointWithSecretOut(endpoint).data, status=status.HTTP_201_CREATED)


class EndpointDetailApi(APIView):
    required_scopes = WEBHOOK_SCOPES
    permission_classes = [OrganizationMembers]

    @extend_schema(responses=EndpointOut)
    def get(self, request, pk: int):
        return Response(
            EndpointOut(services.endpoint_get(principal=request.user, endpoint_id=pk)).data
        )

    @extend_schema(request=EndpointIn(partial=True), responses=EndpointOut)
    def patch(self, request, pk: int):
        endpoint = services.endpoint_get(principal=request.user, endpoint_id=pk)
        payload = EndpointIn(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        endpoint = services.endpoint_update(endpoint=endpoint, changes=dict(payload.validated_data))
        return Response(EndpointOut(endpoint).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.endpoint_get(principal=request.user, endpoint_id=pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointRotateSecretApi(APIView):
    required_scopes = WEBHOOK_SCOPES
    permission_classes = [OrganizationMembers]

    @extend_schema(request=None, responses=EndpointWithSecretOut)
    def post(self, request, pk: int):
        endpoint = services.endpoint_get(principal=request.user, endpoint_id=pk)
        return Response(
            EndpointWithSecretOut(services.endpoint_secret_rotate(endpoint=endpoint)).data
        )


class DeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Delivery.Status.choices)

    class Meta:
        model = Delivery
        fields = ["status", "endpoint"]


class DeliveryListApi(generics.ListAPIView):
    """The organization's deliveries, newest first: what arrived, what is retried, what died."""

    required_scopes = WEBHOOK_SCOPES
    permission_classes = [OrganizationMembers]
    serializer_class = DeliveryOut
    filterset_class = DeliveryFilter
    queryset = Delivery.objects.none()

    def get_queryset(self):
        organization = services.organization_of(self.request.user)
        return (
            Delivery.objects.filter(endpoint__organization=organization)
            .select_related("event")
            .order_by("-pk")
        )
