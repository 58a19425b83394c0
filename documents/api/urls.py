from django.urls import path

from .views import (
    ExchangeRateViewSet,
    InvoiceKsefXmlView,
    InvoicePdfView,
    InvoiceVerifactuXmlView,
    InvoiceViewSet,
    OrderDocumentPdfView,
    VerifactuExportView,
)

# (prefix, viewset, basename) registered by config/api_urls.py
routes = [
    ("invoices", InvoiceViewSet, "invoice"),
    ("exchange-rates", ExchangeRateViewSet, "exchange-rate"),
]

# PDF downloads, mounted under /api/v1/ before the router (config/api_urls.py).
urlpatterns = [
    path(
        "orders/<str:number>/documents/<slug:kind>.pdf",
        OrderDocumentPdfView.as_view(),
        name="api-order-document-pdf",
    ),
    path("invoices/<str:number>.pdf", InvoicePdfView.as_view(), name="api-invoice-pdf"),
    path(
        "invoices/verifactu.xml", VerifactuExportView.as_view(), name="api-invoice-verifactu-export"
    ),
    path(
        "invoices/<str:number>/verifactu.xml",
        InvoiceVerifactuXmlView.as_view(),
        name="api-invoice-verifactu-xml",
    ),
    path(
        "invoices/<str:number>/ksef.xml", InvoiceKsefXmlView.as_view(), name="api-invoice-ksef-xml"
    ),
]
