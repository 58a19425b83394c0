from django.urls import path

from .views import ReturnAttachmentFileView, ReturnLabelView, ReturnViewSet

# (prefix, viewset, basename) registered by config/api_urls.py
routes = [("returns", ReturnViewSet, "return")]

# File downloads, mounted under /api/v1/ before the router (config/api_urls.py).
urlpatterns = [
    path("returns/<str:number>/label.pdf", ReturnLabelView.as_view(), name="api-return-label"),
    path(
        "returns/<str:number>/attachments/<int:pk>/file",
        ReturnAttachmentFileView.as_view(),
        name="api-return-attachment-file",
    ),
]
