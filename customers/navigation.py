"""This app's menu entries and back-office home figures (``core.navigation``)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import register_backoffice, register_home_figure, register_portal

from .models import Company, CompanyStatus, CustomerRole

register_backoffice("customers", _("Customers"), "backoffice:customer_list", order=30)

register_portal("home", _("Home"), "portal:home", order=10)
register_portal("company", _("Company"), "portal:company", order=50)
register_portal("users", _("Users"), "portal:user_list", order=60, roles=(CustomerRole.ADMIN,))


def _companies(status):
    return lambda: Company.objects.filter(status=status).count()


register_home_figure(
    "active_customers",
    _("Active customers"),
    _companies(CompanyStatus.ACTIVE),
    url_name="backoffice:customer_list",
    query="?status=active",
    order=10,
)
register_home_figure(
    "blocked_customers",
    _("Blocked customers"),
    _companies(CompanyStatus.BLOCKED),
    url_name="backoffice:customer_list",
    query="?status=blocked",
    order=20,
)
