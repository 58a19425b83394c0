from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import backorders  # noqa: F401  (registers the receipt consumer)
        from .portal.cart import migrate_session

        # A session cart of earlier versions moves into the user's cart at sign-in.
        user_logged_in.connect(
            lambda sender, request, user, **kwargs: migrate_session(request),
            dispatch_uid="orders.cart.migrate_session",
            weak=False,
        )
