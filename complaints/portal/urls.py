from django.urls import path

from . import views

urlpatterns = [
    path("complaints/", views.PortalComplaintListView.as_view(), name="complaint_list"),
    path("complaints/new/", views.PortalComplaintCreateView.as_view(), name="complaint_create"),
    path(
        "complaints/<str:number>/",
        views.PortalComplaintDetailView.as_view(),
        name="complaint_detail",
    ),
    path(
        "complaints/<str:number>/reply/",
        views.PortalReplyView.as_view(),
        name="complaint_reply",
    ),
    path(
        "complaints/<str:number>/evidence/",
        views.PortalAttachmentAddView.as_view(),
        name="complaint_attachment_add",
    ),
    path(
        "complaints/<str:number>/evidence/<int:pk>/",
        views.PortalAttachmentView.as_view(),
        name="complaint_attachment",
    ),
    path(
        "complaints/<str:number>/<str:action>/",
        views.PortalComplaintActionView.as_view(),
        name="complaint_action",
    ),
]
