from django.urls import path

from .audit import AuditListView

urlpatterns = [
    path("", AuditListView.as_view(), name="audit_list"),
]
