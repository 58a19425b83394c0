from django.urls import path

from .views import KpisView

# Mounted under /api/v1/ (config/api_urls.py).
urlpatterns = [path("kpis/", KpisView.as_view(), name="api-kpis")]
