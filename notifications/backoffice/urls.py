from django.urls import path

from . import views

urlpatterns = [
    path("", views.EmailTemplateListView.as_view(), name="email_template_list"),
    path("<slug:kind>/", views.EmailTemplateDetailView.as_view(), name="email_template_detail"),
    path(
        "<slug:kind>/preview/",
        views.EmailTemplatePreviewView.as_view(),
        name="email_template_preview",
    ),
]
