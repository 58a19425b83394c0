from django.urls import path

from . import views

urlpatterns = [
    path("", views.PortalHomeView.as_view(), name="home"),
    path("company/", views.CompanyProfileView.as_view(), name="company"),
    path("company/addresses/new/", views.PortalAddressFormView.as_view(), name="address_create"),
    path(
        "company/addresses/<int:address_pk>/",
        views.PortalAddressFormView.as_view(),
        name="address_edit",
    ),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:user_pk>/", views.UserUpdateView.as_view(), name="user_update"),
]
