from django.urls import path

from . import views

urlpatterns = [
    path("orders/<str:number>/return/", views.ReturnStartView.as_view(), name="return_start"),
    path(
        "orders/<str:number>/return/check/",
        views.ReturnCheckView.as_view(),
        name="return_check",
    ),
    path(
        "orders/<str:number>/store-credit/",
        views.PortalStoreCreditApplyView.as_view(),
        name="return_store_credit_apply",
    ),
    path("returns/", views.PortalReturnListView.as_view(), name="return_list"),
    path("returns/<str:number>/", views.PortalReturnDetailView.as_view(), name="return_detail"),
    path(
        "returns/<str:number>/cancel/",
        views.PortalReturnCancelView.as_view(),
        name="return_cancel",
    ),
    path(
        "returns/<str:number>/evidence/",
        views.PortalAttachmentAddView.as_view(),
        name="return_attachment_add",
    ),
    path(
        "returns/<str:number>/evidence/<int:pk>/",
        views.PortalAttachmentView.as_view(),
        name="return_attachment",
    ),
    path("returns/<str:number>/label/", views.PortalLabelView.as_view(), name="return_label"),
]
