from django.urls import path

from . import views

urlpatterns = [
    path("", views.PriceListListView.as_view(), name="price_list_list"),
    path("new/", views.PriceListFormView.as_view(), name="price_list_create"),
    path("<int:pk>/", views.PriceListDetailView.as_view(), name="price_list_detail"),
    path("<int:pk>/edit/", views.PriceListFormView.as_view(), name="price_list_edit"),
    path("<int:pk>/prices/new/", views.PriceFormView.as_view(), name="price_create"),
    path("<int:pk>/prices/<int:price_pk>/edit/", views.PriceFormView.as_view(), name="price_edit"),
    path(
        "<int:pk>/prices/<int:price_pk>/delete/",
        views.PriceDeleteView.as_view(),
        name="price_delete",
    ),
    path("<int:pk>/import/", views.PriceImportView.as_view(), name="price_import"),
    path("<int:pk>/export.csv", views.PriceExportView.as_view(), name="price_export"),
    path(
        "customers/<int:pk>/",
        views.ContractPriceListView.as_view(),
        name="contract_price_list",
    ),
    path(
        "customers/<int:pk>/list/",
        views.CompanyPriceListView.as_view(),
        name="company_price_list",
    ),
    path(
        "customers/<int:pk>/contracts/new/",
        views.ContractPriceFormView.as_view(),
        name="contract_price_create",
    ),
    path(
        "customers/<int:pk>/contracts/<int:contract_pk>/edit/",
        views.ContractPriceFormView.as_view(),
        name="contract_price_edit",
    ),
    path(
        "customers/<int:pk>/contracts/<int:contract_pk>/delete/",
        views.ContractPriceDeleteView.as_view(),
        name="contract_price_delete",
    ),
    path(
        "customers/<int:pk>/import/",
        views.ContractPriceImportView.as_view(),
        name="contract_price_import",
    ),
    path(
        "customers/<int:pk>/export.csv",
        views.ContractPriceExportView.as_view(),
        name="contract_price_export",
    ),
]
