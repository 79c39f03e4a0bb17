from django.urls import path

from contracts import apis

urlpatterns = [
    path("contracts/", apis.ContractListApi.as_view(), name="contracts"),
    path("contracts/<int:pk>/", apis.ContractDetailApi.as_view(), name="contract"),
]
