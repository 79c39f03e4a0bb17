from django.urls import path

from prescriptions import apis

# The pharmacist's decisions on one prescription: POST prescriptions/<id>/<decision>/.
DECISIONS = {
    "claim": apis.PrescriptionClaimApi,
    "release": apis.PrescriptionReleaseApi,
    "approve": apis.PrescriptionApproveApi,
    "reject": apis.PrescriptionRejectApi,
}

urlpatterns = [
    path("prescriptions/", apis.PrescriptionListApi.as_view(), name="prescriptions"),
    path("prescriptions/<int:pk>/", apis.PrescriptionDetailApi.as_view(), name="prescription"),
    path(
        "prescriptions/<int:pk>/document/",
        apis.PrescriptionDocumentApi.as_view(),
        name="prescription-document",
    ),
    *(
        path(f"prescriptions/<int:pk>/{name}/", view.as_view(), name=f"prescription-{name}")
        for name, view in DECISIONS.items()
    ),
    path(
        "prescriptions/<int:pk>/consume/",
        apis.PrescriptionConsumeApi.as_view(),
        name="prescription-consume",
    ),
    path(
        "prescriptions/<int:pk>/consume/<str:order_ref>/revert/",
        apis.PrescriptionFillRevertApi.as_view(),
        name="prescription-fill-revert",
    ),
    path("access-log/", apis.DocumentAccessListApi.as_view(), name="access-log"),
]
