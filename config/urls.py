from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from core import auth_views
from dashboard.views import DashboardView
from notifications.views import RateComplaintView, RateOrderView


class FaviconView(RedirectView):
    """``/favicon.ico`` (asked for by browsers on pages without an icon link, such as
    API responses) redirects to the static SVG icon; looked up per request, so the
    hashed name of the manifest storage is used."""

    permanent = False
    query_string = False

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


backoffice_patterns = [
    path("", DashboardView.as_view(), name="home"),
    path("dashboard/", include("dashboard.urls")),
    path("login/", auth_views.BackofficeLoginView.as_view(), name="login"),
    path("logout/", auth_views.BackofficeLogoutView.as_view(), name="logout"),
    path("customers/", include("customers.backoffice.urls")),
    path("api-keys/", include("apikeys.backoffice.urls")),
    path("webhooks/", include("webhooks.backoffice.urls")),
    path("inventory/", include("inventory.backoffice.urls")),
    path("pricing/", include("pricing.backoffice.urls")),
    path("orders/", include("orders.backoffice.urls")),
    path("documents/", include("documents.backoffice.urls")),
    path("emails/", include("notifications.backoffice.urls")),
    path("returns/", include("returns.backoffice.urls")),
    path("complaints/", include("complaints.backoffice.urls")),
    path("audit/", include("core.backoffice.audit_urls")),
    path("closures/", include("core.backoffice.closure_urls")),
]

portal_patterns = [
    path("login/", auth_views.PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.PortalLogoutView.as_view(), name="logout"),
    path(
        "invitation/<uidb64>/<token>/",
        auth_views.InvitationView.as_view(),
        name="invitation",
    ),
    path("", include("orders.portal.urls")),
    path("", include("orders.portal.pad_urls")),
    path("", include("documents.portal.urls")),
    path("", include("customers.portal.urls")),
    path("", include("returns.portal.urls")),
    path("", include("complaints.portal.urls")),
]

urlpatterns = [
    path("", auth_views.RootRedirectView.as_view(), name="root"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("backoffice/", include((backoffice_patterns, "backoffice"))),
    path("portal/", include((portal_patterns, "portal"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    # The delivered email's one-click satisfaction rating (signed token, no login).
    path("rate/<str:token>/", RateOrderView.as_view(), name="rate_order"),
    path("rate/complaint/<str:token>/", RateComplaintView.as_view(), name="rate_complaint"),
]

# JSON errors for /api/ paths outside DRF views, Django's pages elsewhere.
handler400 = "core.api.exceptions.handler400"
handler403 = "core.api.exceptions.handler403"
handler404 = "core.api.exceptions.handler404"
handler500 = "core.api.exceptions.handler500"
