"""The order pad and the shopping lists (``orders.portal.pad``), under ``/portal/pad/``
so that the menu marks the pad on every page of it; the portal's search page."""

from django.urls import path

from . import pad, search

urlpatterns = [
    path("pad/", pad.PadView.as_view(), name="pad"),
    path("pad/add/", pad.PadAddView.as_view(), name="pad_add"),
    path("pad/lists/", pad.ShoppingListIndexView.as_view(), name="shopping_lists"),
    path("pad/lists/add/", pad.ShoppingListAddView.as_view(), name="shopping_list_add"),
    path("pad/lists/<int:pk>/", pad.ShoppingListView.as_view(), name="shopping_list"),
    path("search/", search.SearchView.as_view(), name="search"),
]
