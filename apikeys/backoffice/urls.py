from django.urls import path

from . import views

urlpatterns = [
    path("", views.ApiKeyListView.as_view(), name="apikey_list"),
    path("new/", views.ApiKeyCreateView.as_view(), name="apikey_create"),
    path("<int:pk>/revoke/", views.ApiKeyRevokeView.as_view(), name="apikey_revoke"),
]
