from django.urls import path

from catalog import apis

urlpatterns = [
    path("drugs/", apis.DrugListCreateApi.as_view(), name="drug-list"),
    path("drugs/<int:drug_id>/", apis.DrugDetailApi.as_view(), name="drug-detail"),
    path("warehouses/", apis.WarehouseListCreateApi.as_view(), name="warehouse-list"),
]
