from django.urls import path

from discounts import apis

urlpatterns = [
    path("discount-rules/", apis.DiscountRuleListApi.as_view(), name="discount-rules"),
    path("discount-rules/<int:pk>/", apis.DiscountRuleDetailApi.as_view(), name="discount-rule"),
]
