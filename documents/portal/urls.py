from django.urls import path

from . import account, views

urlpatterns = [
    path("documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="document_download"),
    path("account/", account.AccountView.as_view(), name="account"),
    path("account/invoices/", account.InvoiceListView.as_view(), name="account_invoices"),
    path(
        "account/invoices/<str:number>/pdf/",
        account.InvoicePdfView.as_view(),
        name="account_invoice_pdf",
    ),
    path("account/statement/", account.StatementView.as_view(), name="account_statement"),
    path(
        "account/statement/pdf/", account.StatementPdfView.as_view(), name="account_statement_pdf"
    ),
    path(
        "account/statement/csv/", account.StatementCsvView.as_view(), name="account_statement_csv"
    ),
]
