"""Reports for the back office: lots about to expire, drugs running low."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics

from catalog.models import Drug
from catalog.principals import owner_scope
from inventory.apis.access import INVENTORY_SCOPES, BackOffice
from inventory.expiring import lots_expiring
from inventory.models import Lot
from inventory.selectors import drugs_low_stock
from inventory.serializers import ExpiringLotOut, ExpiringParams, LowStockOut


@extend_schema(
    parameters=[
        OpenApiParameter("days", OpenApiTypes.INT, description="Horizon in days (default 90).")
    ]
)
class ExpiringReportApi(generics.ListAPIView):
    """Lots with stock expiring within ``days``, soonest first, valued at list price."""

    required_scopes = INVENTORY_SCOPES

    permission_classes = [BackOffice]
    queryset = Lot.objects.none()
    serializer_class = ExpiringLotOut

    def get_queryset(self):
        params = ExpiringParams(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return lots_expiring(
            owner_org=owner_scope(self.request.user), days=params.validated_data["days"]
        )


class LowStockReportApi(generics.ListAPIView):
    """Active drugs whose sellable stock is under their reorder point."""

    required_scopes = INVENTORY_SCOPES

    permission_classes = [BackOffice]
    queryset = Drug.objects.none()
    serializer_class = LowStockOut

    def get_queryset(self):
        return drugs_low_stock(owner_org=owner_scope(self.request.user))
