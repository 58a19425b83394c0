from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricingConfig(AppConfig):
    name = "pricing"
    verbose_name = _("Pricing")

    def ready(self):
        # The customer API's ``price_list`` field and the company page's pricing box
        # come from here through customers' hooks: customers never imports pricing.
        from . import hooks

        hooks.register()
