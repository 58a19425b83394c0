from django.urls import path

from . import views

urlpatterns = [
    path("", views.ComplaintDeskView.as_view(), name="complaint_desk"),
    path("assign/", views.ComplaintBulkAssignView.as_view(), name="complaint_bulk_assign"),
    path("register/", views.ComplaintListView.as_view(), name="complaint_list"),
    path("charts/", views.ComplaintStatsView.as_view(), name="complaint_stats"),
    path("sla/", views.SlaTargetsView.as_view(), name="complaint_sla_targets"),
    path("deadlines/", views.DeadlineRulesView.as_view(), name="complaint_deadline_rules"),
    path("new/", views.ComplaintCreateView.as_view(), name="complaint_create"),
    path("<str:number>/", views.ComplaintDetailView.as_view(), name="complaint_detail"),
    path(
        "<str:number>/messages/",
        views.ComplaintMessageView.as_view(),
        name="complaint_message",
    ),
    path(
        "<str:number>/evidence/",
        views.ComplaintAttachmentAddView.as_view(),
        name="complaint_attachment_add",
    ),
    path(
        "<str:number>/evidence/<int:pk>/",
        views.AttachmentDownloadView.as_view(),
        name="complaint_attachment",
    ),
    path(
        "<str:number>/<str:action>/",
        views.ComplaintActionView.as_view(),
        name="complaint_action",
    ),
]
