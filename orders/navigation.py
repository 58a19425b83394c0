"""This app's menu entries (``core.navigation``)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import register_backoffice, register_portal

from .portal import cart

register_backoffice("orders", _("Orders"), "backoffice:order_list", order=20)
register_portal("catalog", _("Catalog"), "portal:catalog", order=12)
# The count is one COUNT per page (cached on the user for the request).
register_portal(
    "cart",
    _("Cart"),
    "portal:cart",
    order=15,
    badge=cart.count,
    badge_title=_("Products in the cart"),
)
register_portal("orders", _("Orders"), "portal:order_list", order=20)
# The order pad (usual products and shopping lists), before Orders.
register_portal("pad", _("Order pad"), "portal:pad", order=19)
