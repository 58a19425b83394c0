"""The exchange rates page in the back-office menu, with the invoices waiting for a rate
as its badge and as a figure on the home page (the staff alert); the portal's account
area (invoices, statement, credit)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import SETTINGS, register_backoffice, register_home_figure, register_portal

from .selectors import waiting_invoice_count

register_backoffice(
    "exchange_rates",
    _("Exchange rates"),
    "backoffice:exchange_rate_list",
    order=85,
    badge=waiting_invoice_count,
    badge_title=_("invoices waiting for an exchange rate"),
    group=SETTINGS,
)
register_backoffice(
    "verifactu",
    _("VeriFactu"),
    "backoffice:verifactu_export",
    order=86,
    group=SETTINGS,
)
register_home_figure(
    "invoices_waiting_for_rate",
    _("Invoices waiting for an exchange rate"),
    waiting_invoice_count,
    url_name="backoffice:exchange_rate_list",
    order=60,
)

# After Complaints (40), before Company (50).
register_portal("account", _("Account"), "portal:account", order=45)
