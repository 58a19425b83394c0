"""The dashboard's own back-office pages (under ``/backoffice/dashboard/``; the
dashboard itself is the back-office home, ``backoffice:home``)."""

from django.urls import path

from . import carriers

urlpatterns = [
    path("carriers/", carriers.CarrierPerformanceView.as_view(), name="carrier_performance"),
    path("carriers/late/", carriers.LateDeliveryListView.as_view(), name="late_deliveries"),
]
