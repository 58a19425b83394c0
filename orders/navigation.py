"""This app's menu entries (``core.navigation``)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import register_backoffice, register_portal

register_backoffice("orders", _("Orders"), "backoffice:order_list", order=20)
register_portal("orders", _("Orders"), "portal:order_list", order=20)
# The order pad (usual products and shopping lists), before Orders.
register_portal("pad", _("Order pad"), "portal:pad", order=19)
