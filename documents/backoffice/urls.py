from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.DocumentDownloadView.as_view(), name="document_download"),
    path("<int:pk>/retry/", views.DocumentRetryView.as_view(), name="document_retry"),
]
