from django.urls import path

from chargebacks import apis
from chargebacks.models import Chargeback

Status = Chargeback.Status

urlpatterns = [
    path("chargebacks/", apis.ChargebackListApi.as_view(), name="chargebacks"),
    path("chargebacks/events/", apis.ShipmentEventApi.as_view(), name="chargeback-events"),
    path("chargebacks/<int:pk>/", apis.ChargebackDetailApi.as_view(), name="chargeback"),
    path(
        "chargebacks/<int:pk>/submit/",
        apis.ChargebackTransitionApi.as_view(to=Status.SUBMITTED),
        name="chargeback-submit",
    ),
    path(
        "chargebacks/<int:pk>/mark-paid/",
        apis.ChargebackTransitionApi.as_view(to=Status.PAID),
        name="chargeback-mark-paid",
    ),
    path(
        "chargebacks/<int:pk>/reject/",
        apis.ChargebackTransitionApi.as_view(to=Status.REJECTED),
        name="chargeback-reject",
    ),
    path("reports/chargebacks/", apis.ChargebackReportApi.as_view(), name="chargeback-report"),
]
