from django.urls import path

from . import views

urlpatterns = [
    path("", views.ProductListView.as_view(), name="product_list"),
    path("products/new/", views.ProductFormView.as_view(), name="product_create"),
    path("products/<int:pk>/", views.ProductDetailView.as_view(), name="product_detail"),
    path("products/<int:pk>/edit/", views.ProductFormView.as_view(), name="product_edit"),
    path("categories/", views.CategoryListView.as_view(), name="category_list"),
    path("categories/new/", views.CategoryFormView.as_view(), name="category_create"),
    path("categories/<int:pk>/edit/", views.CategoryFormView.as_view(), name="category_edit"),
    path("warehouses/", views.WarehouseListView.as_view(), name="warehouse_list"),
    path("warehouses/new/", views.WarehouseFormView.as_view(), name="warehouse_create"),
    path("warehouses/<int:pk>/edit/", views.WarehouseFormView.as_view(), name="warehouse_edit"),
    path("stock/", views.StockListView.as_view(), name="stock_list"),
    path("stock/export.csv", views.StockExportView.as_view(), name="stock_export"),
    path("stock/receive/", views.ReceiveStockView.as_view(), name="stock_receive"),
    path("stock/adjust/", views.AdjustStockView.as_view(), name="stock_adjust"),
    path("stock/import/", views.StockImportView.as_view(), name="stock_import"),
    path("stock/<int:pk>/levels/", views.ReorderLevelsView.as_view(), name="stock_levels"),
    path("movements/", views.MovementListView.as_view(), name="movement_list"),
]
