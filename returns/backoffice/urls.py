from django.urls import path

from . import views

urlpatterns = [
    path("", views.ReturnListView.as_view(), name="return_list"),
    path("charts/", views.ReturnStatsView.as_view(), name="return_stats"),
    path("abuse/", views.AbuseListView.as_view(), name="return_abuse"),
    path("reasons/", views.ReasonListView.as_view(), name="return_reason_list"),
    path("reasons/new/", views.ReasonEditView.as_view(), name="return_reason_create"),
    path("reasons/<int:pk>/", views.ReasonEditView.as_view(), name="return_reason_edit"),
    path("new/<str:number>/", views.ReturnCreateView.as_view(), name="return_create"),
    path(
        "store-credit/<str:number>/",
        views.StoreCreditApplyView.as_view(),
        name="return_store_credit_apply",
    ),
    path("<str:number>/", views.ReturnDetailView.as_view(), name="return_detail"),
    path("<str:number>/label/", views.LabelDownloadView.as_view(), name="return_label"),
    path(
        "<str:number>/evidence/",
        views.ReturnAttachmentAddView.as_view(),
        name="return_attachment_add",
    ),
    path(
        "<str:number>/evidence/<int:pk>/",
        views.AttachmentDownloadView.as_view(),
        name="return_attachment",
    ),
    path("<str:number>/<str:action>/", views.ReturnActionView.as_view(), name="return_action"),
]
