from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.DocumentDownloadView.as_view(), name="document_download"),
    path("<int:pk>/retry/", views.DocumentRetryView.as_view(), name="document_retry"),
    path("exchange-rates/", views.ExchangeRateListView.as_view(), name="exchange_rate_list"),
    path(
        "exchange-rates/new/", views.ExchangeRateCreateView.as_view(), name="exchange_rate_create"
    ),
]
