from django.urls import path

from prices import apis

urlpatterns = [
    path("price-lists/", apis.PriceListListApi.as_view(), name="price-lists"),
    path("price-lists/<int:pk>/", apis.PriceListDetailApi.as_view(), name="price-list"),
    path(
        "price-lists/<int:pk>/items/",
        apis.PriceListItemListApi.as_view(),
        name="price-list-items",
    ),
]
