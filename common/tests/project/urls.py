from django.urls import path

from common.urls import service_urlpatterns
from tests.project import views

urlpatterns = [
    *service_urlpatterns("commontest"),
    path("api/commontest/whoami/", views.whoami),
    path("api/commontest/distributors-only/", views.distributors_only),
    path("api/commontest/reserve/", views.reserve),
    path("api/commontest/conflict/", views.conflict),
    path("api/commontest/validate/", views.validate),
    path("api/commontest/crash/", views.crash),
    path("api/commontest/groups/", views.GroupList.as_view()),
    path("api/commontest/groups-counted/", views.GroupListCountedWithThePage.as_view()),
    path("api/commontest/unchecked-group/", views.unchecked_group),
    path("api/commontest/sign-in-like/", views.sign_in_like),
    path("api/commontest/idempotent-groups/", views.IdempotentGroupCreate.as_view()),
]

handler400 = "common.errors.bad_request_view"
handler404 = "common.errors.not_found_view"
handler500 = "common.errors.server_error_view"
