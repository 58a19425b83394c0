from django.urls import path

from . import views

urlpatterns = [
    path("documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="document_download"),
]
