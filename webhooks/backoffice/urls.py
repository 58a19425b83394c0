from django.urls import path

from . import views

urlpatterns = [
    path("", views.SubscriptionListView.as_view(), name="webhook_list"),
    path("new/", views.SubscriptionCreateView.as_view(), name="webhook_create"),
    path("<int:pk>/", views.SubscriptionDetailView.as_view(), name="webhook_detail"),
    path("<int:pk>/active/", views.SubscriptionActiveView.as_view(), name="webhook_active"),
    path("<int:pk>/secret/", views.SubscriptionRotateSecretView.as_view(), name="webhook_secret"),
    path("<int:pk>/delete/", views.SubscriptionDeleteView.as_view(), name="webhook_delete"),
]
