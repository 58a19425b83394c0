from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The KPI dashboard: read-only selectors (``dashboard.kpis``), the back-office
    landing page and ``/api/v1/kpis/``, and the customer 360 panel on a company's page.
    Its models are the daily delivery summaries the figures read (``dashboard.summaries``,
    kept by the nightly task and the outbox consumer ``dashboard.consumers``)."""

    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        from django.db.backends.signals import connection_created

        from core.slots import register_slot

        from . import consumers  # noqa: F401 (registers the outbox consumer)
        from .customer import panel_context
        from .sqlite import register as register_sqlite_functions

        # First in the slot above the company's timeline (returns 50, complaints 60).
        register_slot(
            "backoffice.company", "dashboard/customer_360.html", context=panel_context, order=10
        )
        connection_created.connect(register_sqlite_functions, dispatch_uid="dashboard-sqlite")
