from django.urls import path

from . import views

urlpatterns = [
    path("", views.OrderQueueView.as_view(), name="order_list"),
    path("new/", views.OrderCreateView.as_view(), name="order_create"),
    path("bulk/", views.BulkActionView.as_view(), name="order_bulk"),
    path("coupons/", views.CouponListView.as_view(), name="coupon_list"),
    path("coupons/new/", views.CouponEditView.as_view(), name="coupon_create"),
    path("coupons/<int:pk>/", views.CouponEditView.as_view(), name="coupon_edit"),
    path("carriers/", views.CarrierListView.as_view(), name="carrier_list"),
    path("carriers/new/", views.CarrierEditView.as_view(), name="carrier_create"),
    path("carriers/<int:pk>/", views.CarrierEditView.as_view(), name="carrier_edit"),
    path("<str:number>/", views.OrderDetailView.as_view(), name="order_detail"),
    path("<str:number>/<slug:action>/", views.OrderActionView.as_view(), name="order_action"),
]
