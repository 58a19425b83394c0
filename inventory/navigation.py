"""This app's menu entry and its low-stock badge (``core.navigation``)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import register_backoffice

from .selectors import low_stock_count

register_backoffice(
    "inventory",
    _("Inventory"),
    "backoffice:product_list",
    order=40,
    badge=low_stock_count,
    badge_title=_("stock items below their reorder point"),
)
