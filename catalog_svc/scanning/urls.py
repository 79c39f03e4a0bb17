from django.urls import path

from scanning import apis

urlpatterns = [
    path("scans/", apis.ScanApi.as_view(), name="scan"),
    path("verify/", apis.VerifyApi.as_view(), name="verify"),
]
