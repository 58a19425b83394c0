"""The back-office home page (core's own page: its figures come from the apps)."""

from django.views.generic import TemplateView

from core.navigation import home_figures
from core.views import StaffRequiredMixin


class BackofficeHomeView(StaffRequiredMixin, TemplateView):
    """The back-office landing page; the KPI dashboard replaces its figures later.

    Each app registers its figures in its ``navigation.py``
    (``core.navigation.register_home_figure``)."""

    template_name = "backoffice/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(figures=home_figures(), **kwargs)
