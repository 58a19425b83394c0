from django.urls import path

from . import views

urlpatterns = [
    path("catalog/", views.CatalogView.as_view(), name="catalog"),
    # SKUs may hold "/" (the model's validator): the rest of the path is the SKU.
    path("catalog/<path:sku>/", views.CatalogProductView.as_view(), name="catalog_product"),
    path("cart/", views.CartView.as_view(), name="cart"),
    path("cart/update/", views.CartUpdateView.as_view(), name="cart_update"),
    path("cart/<slug:step>/", views.CheckoutView.as_view(), name="checkout"),
    path("orders/", views.OrderListView.as_view(), name="order_list"),
    path("approvals/", views.ApprovalListView.as_view(), name="approval_list"),
    path(
        "orders/<str:number>/approval/<slug:decision>/",
        views.ApprovalDecisionView.as_view(),
        name="order_approval",
    ),
    path("orders/<str:number>/", views.OrderDetailView.as_view(), name="order_detail"),
    path(
        "orders/<str:number>/cancel/",
        views.OrderActionView.as_view(),
        {"action": "cancel"},
        name="order_cancel",
    ),
    path(
        "orders/<str:number>/do/<slug:action>/",
        views.OrderActionView.as_view(),
        name="order_action",
    ),
    path("orders/<str:number>/reorder/", views.ReorderView.as_view(), name="order_reorder"),
]
