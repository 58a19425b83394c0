"""The site's URLs plus views that fail, for the 500 page tests (ROOT_URLCONF)."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns


def boom(request, face=""):
    raise RuntimeError("boom")


urlpatterns = [
    path("backoffice/boom/", boom),
    path("portal/boom/", boom),
    path("api/v1/boom/", boom),
    path("boom/", boom),
    *urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
