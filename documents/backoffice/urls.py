from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.DocumentDownloadView.as_view(), name="document_download"),
    path("<int:pk>/retry/", views.DocumentRetryView.as_view(), name="document_retry"),
    path("exchange-rates/", views.ExchangeRateListView.as_view(), name="exchange_rate_list"),
    path(
        "exchange-rates/new/", views.ExchangeRateCreateView.as_view(), name="exchange_rate_create"
    ),
    path("verifactu/", views.VerifactuExportView.as_view(), name="verifactu_export"),
    path(
        "verifactu/<str:number>.xml",
        views.InvoiceVerifactuXmlView.as_view(),
        name="invoice_verifactu_xml",
    ),
    path(
        "verifactu/<str:number>/cancel/",
        views.VerifactuCancelView.as_view(),
        name="verifactu_cancel",
    ),
    path("ksef/<str:number>.xml", views.InvoiceKsefXmlView.as_view(), name="invoice_ksef_xml"),
]
