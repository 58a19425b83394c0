from django.urls import path

from . import views

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="customer_list"),
    path("new/", views.CompanyFormView.as_view(), name="customer_create"),
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="customer_detail"),
    path("<int:pk>/edit/", views.CompanyFormView.as_view(), name="customer_edit"),
    path(
        "<int:pk>/addresses/new/", views.AddressFormView.as_view(), name="customer_address_create"
    ),
    path(
        "<int:pk>/addresses/<int:address_pk>/",
        views.AddressFormView.as_view(),
        name="customer_address_edit",
    ),
    path("<int:pk>/notes/", views.TimelineNoteCreateView.as_view(), name="customer_note_create"),
    path(
        "<int:pk>/users/new/", views.CustomerUserCreateView.as_view(), name="customer_user_create"
    ),
    path(
        "<int:pk>/users/<int:user_pk>/invitation/",
        views.CustomerUserInvitationView.as_view(),
        name="customer_user_invitation",
    ),
]
