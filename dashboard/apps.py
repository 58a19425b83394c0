from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The KPI dashboard: read-only selectors (``dashboard.kpis``), the back-office
    landing page and ``/api/v1/kpis/``. No models of its own."""

    name = "dashboard"
    verbose_name = _("Dashboard")
