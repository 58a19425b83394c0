from django.urls import path

from .views import ComplaintAttachmentFileView, ComplaintViewSet

# (prefix, viewset, basename) registered by config/api_urls.py
routes = [("complaints", ComplaintViewSet, "complaint")]

# File downloads, mounted under /api/v1/ before the router (config/api_urls.py).
urlpatterns = [
    path(
        "complaints/<str:number>/attachments/<int:pk>/file",
        ComplaintAttachmentFileView.as_view(),
        name="api-complaint-attachment-file",
    ),
]
