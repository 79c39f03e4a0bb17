from django.urls import path

from inventory.apis import lots, reports, reservations, stock

urlpatterns = [
    path("lots/", lots.LotListApi.as_view(), name="lot-list"),
    path("lots/<int:lot_id>/events/", lots.LotEventListApi.as_view(), name="lot-events"),
    path("lots/<int:lot_id>/quarantine/", lots.LotQuarantineApi.as_view(), name="lot-quarantine"),
    path("lots/<int:lot_id>/release/", lots.LotReleaseApi.as_view(), name="lot-release"),
    path("lots/<int:lot_id>/recall/", lots.LotRecallApi.as_view(), name="lot-recall"),
    path("receipts/", stock.ReceiptCreateApi.as_view(), name="receipt-create"),
    path("adjustments/", stock.AdjustmentCreateApi.as_view(), name="adjustment-create"),
    path("returns/", stock.ReturnCreateApi.as_view(), name="return-create"),
    path("movements/", stock.MovementListApi.as_view(), name="movement-list"),
    path(
        "drugs/<int:drug_id>/availability/",
        stock.DrugAvailabilityApi.as_view(),
        name="drug-availability",
    ),
    path("reports/expiring/", reports.ExpiringReportApi.as_view(), name="report-expiring"),
    path("reports/low-stock/", reports.LowStockReportApi.as_view(), name="report-low-stock"),
    path("reservations/", reservations.ReservationCreateApi.as_view(), name="reservation-create"),
    path(
        "reservations/<int:reservation_id>/",
        reservations.ReservationDetailApi.as_view(),
        name="reservation-detail",
    ),
    path(
        "reservations/<int:reservation_id>/release/",
        reservations.ReservationReleaseApi.as_view(),
        name="reservation-release",
    ),
    path(
        "reservations/<int:reservation_id>/confirm/",
        reservations.ReservationConfirmApi.as_view(),
        name="reservation-confirm",
    ),
    path(
        "reservations/<int:reservation_id>/commit/",
        reservations.ReservationCommitApi.as_view(),
        name="reservation-commit",
    ),
]
