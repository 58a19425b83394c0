"""The REST API: /api/schema/, /api/docs/ and /api/v1/...

Each domain exposes ``routes`` (``(prefix, viewset, basename)``) in its ``api/urls.py``;
add the module to ``ROUTE_MODULES`` to publish it.
"""

from importlib import import_module

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter, Route


class ApiRouter(DefaultRouter):
    """DefaultRouter without format suffixes, whose list route also maps DELETE to a
    viewset's ``collection_destroy`` when it has one (``DELETE /api/v1/webhooks/?id=``)."""

    include_format_suffixes = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        list_route = self.routes[0]
        assert isinstance(list_route, Route) and list_route.name == "{basename}-list"
        self.routes = [
            list_route._replace(mapping={**list_route.mapping, "delete": "collection_destroy"}),
            *self.routes[1:],
        ]


ROUTE_MODULES = [
    "customers.api.urls",
    "webhooks.api.urls",
    "orders.api.urls",
    "inventory.api.urls",
    "pricing.api.urls",
    "documents.api.urls",
    "returns.api.urls",
    "complaints.api.urls",
]

router = ApiRouter()
for module in ROUTE_MODULES:
    for prefix, viewset, basename in import_module(module).routes:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # PDF downloads (orders/{number}/documents/{kind}.pdf, invoices/{number}.pdf).
    path("v1/", include("documents.api.urls")),
    path("v1/", include("returns.api.urls")),
    path("v1/", include("complaints.api.urls")),
    path("v1/", include("dashboard.api.urls")),
    path("v1/", include(router.urls)),
]
