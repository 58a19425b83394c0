from django.views.generic import TemplateView

from customers.models import Company, CompanyStatus

from .views import StaffRequiredMixin


class BackofficeHomeView(StaffRequiredMixin, TemplateView):
    """The back-office landing page; the KPI dashboard replaces its figures later."""

    template_name = "backoffice/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active_customers"] = Company.objects.filter(status=CompanyStatus.ACTIVE).count()
        context["blocked_customers"] = Company.objects.filter(status=CompanyStatus.BLOCKED).count()
        return context
