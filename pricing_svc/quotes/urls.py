from django.urls import path

from quotes import apis

urlpatterns = [
    path("quotes/", apis.QuoteCreateApi.as_view(), name="quotes"),
    path("quotes/<uuid:pk>/", apis.QuoteDetailApi.as_view(), name="quote"),
]
