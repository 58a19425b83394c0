"""The site's URLs plus views that fail, for the 500 page tests (ROOT_URLCONF)."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns


def boom(request, face=""):
    raise RuntimeError("boom")


def database_down(request):
    from django.db import OperationalError

    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


urlpatterns = [
    path("backoffice/boom/", boom),
    path("portal/boom/", boom),
    path("api/v1/boom/", boom),
    path("boom/", boom),
    path("backoffice/db-down/", database_down),
    path("api/v1/db-down/", database_down),
    *urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
