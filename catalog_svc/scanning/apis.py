"""Scans and package verification: thin views over ``scanning.selectors`` and
``scanning.verification``. Both read only, so a client needs ``catalog:read`` for either."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from common.permissions import has_role
from scanning.selectors import scan_resolve
from scanning.serializers import ScanIn, ScanOut, VerificationOut, VerifyParams
from scanning.verification import package_verify

# Whoever handles packages: distributors receiving and shipping, buyers receiving and
# taking back returns, admins.
PackageHandlers = has_role("distributor", "hospital", "pharmacy", "pharmacist", "admin")
SCANNING_SCOPES = {"read": "catalog:read", "write": "catalog:read"}


class ScanApi(APIView):
    required_scopes = SCANNING_SCOPES
    permission_classes = [PackageHandlers]

    @extend_schema(
        request=ScanIn,
        responses=ScanOut,
        summary="What a scanned GS1 barcode names: drug, lot, expiry, serial; whether it sells.",
    )
    def post(self, request):
        payload = ScanIn(data=request.data)
        payload.is_valid(raise_exception=True)
        return Response(ScanOut(scan_resolve(barcode=payload.validated_data["barcode"])).data)


class VerifyApi(APIView):
    required_scopes = SCANNING_SCOPES
    permission_classes = [PackageHandlers]

    @extend_schema(
        parameters=[VerifyParams],
        responses=VerificationOut,
        summary="Is a package (GTIN, lot, expiry, serial) genuine and sellable?",
    )
    def get(self, request):
        params = VerifyParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        verdict = package_verify(
            gtin=data["gtin"],
            lot_number=data["lot"],
            expiry_date=data["expiry"],
            serial=data.get("serial"),
            asker=request.user,
        )
        return Response(VerificationOut(verdict).data)
