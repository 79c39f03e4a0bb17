"""People: self-registration of patients, who am I, and admin-managed users."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.models import User
from accounts.serializers import RegisterIn, UserIn, UserOut
from common.errors import NotFound
from common.permissions import has_role


class RegisterApi(APIView):
    quota_class = "registration"
    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=RegisterIn, responses={201: UserOut})
    def post(self, request):
        payload = RegisterIn(data=request.data)
        payload.is_valid(raise_exception=True)
        user = services.patient_register(**payload.validated_data)
        return Response(UserOut(user).data, status=status.HTTP_201_CREATED)


class MeApi(APIView):
    required_scopes = {}  # people only: a client has no account

    @extend_schema(responses=UserOut)
    def get(self, request):
        if request.user.sub is None:
            raise NotFound("A client-credentials token has no user.", code="no_user")
        user = (
            User.objects.select_related("organization")
            .filter(pk=request.user.sub, is_active=True)
            .first()
        )
        if user is None:
            raise NotFound("The user of this token no longer exists.")
        return Response(UserOut(user).data)


class UserListApi(generics.ListAPIView):
    required_scopes = {}  # people only: admins
    permission_classes = [has_role("admin")]
    serializer_class = UserOut
    queryset = User.objects.select_related("organization").order_by("id")
    filterset_fields = ["role", "organization"]

    @extend_schema(request=UserIn, responses={201: UserOut})
    def post(self, request):
        payload = UserIn(data=request.data)
        payload.is_valid(raise_exception=True)
        user = services.user_create(**payload.validated_data)
        return Response(UserOut(user).data, status=status.HTTP_201_CREATED)
