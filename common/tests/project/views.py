"""Endpoints exercising each piece of ``common`` the way a service's views would."""

import time

from django.contrib.auth.models import Group
from rest_framework import generics, serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import Conflict
from common.idempotency import idempotent
from common.pagination import WindowCountPagination
from common.permissions import has_role, service_scope
from common.scopes import resource_scopes


@api_view(["GET"])
def whoami(request):
    user = request.user
    return Response(
        {
            "sub": user.sub,
            "role": user.role,
            "org": user.org,
            "org_type": user.org_type,
            "scopes": sorted(user.scopes),
            "is_service": user.is_service,
        }
    )


@api_view(["GET"])
@permission_classes([has_role("distributor", "admin")])
def distributors_only(request):
    return Response({"ok": True})


@api_view(["POST"])
@permission_classes([service_scope("inventory:reserve")])
def reserve(request):
    return Response({"ok": True})


@api_view(["POST"])
def conflict(request):
    raise Conflict("Not enough stock.", code="insufficient_stock", extra={"lines": []})


class QuantityIn(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1)


@api_view(["POST"])
def validate(request):
    payload = QuantityIn(data=request.data)
    payload.is_valid(raise_exception=True)
    return Response(payload.validated_data)


@api_view(["GET"])
def crash(request):
    raise RuntimeError("a bug")


class GroupOut(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]


class GroupList(generics.ListAPIView):
    queryset = Group.objects.order_by("id")
    serializer_class = GroupOut


class GroupListCountedWithThePage(GroupList):
    pagination_class = WindowCountPagination


class GroupIn(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    delay = serializers.FloatField(required=False, min_value=0, max_value=5)


class IdempotentGroupCreate(APIView):
    """Creates a group, slowly if asked: exercises ``common.idempotency`` under races."""

    required_scopes = {"write": "inventory:reserve"}

    @idempotent()
    def post(self, request):
        payload = GroupIn(data=request.data)
        payload.is_valid(raise_exception=True)
        name = payload.validated_data["name"]
        time.sleep(payload.validated_data.get("delay", 0))
        if Group.objects.filter(name=name).exists():
            raise Conflict("A group with that name exists.", code="duplicate_group")
        group = Group.objects.create(name=name)
        if name == "explode":
            raise RuntimeError("a bug after a write")
        # Keys deliberately not in sorted order: a replay must keep the bytes, not re-sort.
        return Response({"name": group.name, "id": group.id}, status=201)


@api_view(["POST"])
def unchecked_group(request):
    """Stores what it is given without validation, as a buggy view would."""
    Group.objects.create(id=int(request.data["id"]), name=str(request.data["name"]))
    return Response(status=201)


# Function views declare their scopes on the class DRF wraps them in.
whoami.cls.required_scopes = {"read": "inventory:reserve"}
distributors_only.cls.required_scopes = resource_scopes("groups")
reserve.cls.required_scopes = {"write": "inventory:reserve"}


@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def sign_in_like(request):
    """An anonymous endpoint in the sign-in route class (quotas by address)."""
    return Response({"ok": True})


sign_in_like.cls.quota_class = "sign_in"
