from django.urls import path

from webhooks import apis

urlpatterns = [
    path("endpoints/", apis.EndpointListApi.as_view(), name="webhook-endpoints"),
    path("endpoints/<int:pk>/", apis.EndpointDetailApi.as_view(), name="webhook-endpoint"),
    path(
        "endpoints/<int:pk>/rotate-secret/",
        apis.EndpointRotateSecretApi.as_view(),
        name="webhook-endpoint-rotate",
    ),
    path("deliveries/", apis.DeliveryListApi.as_view(), name="webhook-deliveries"),
]
