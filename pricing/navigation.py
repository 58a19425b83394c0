"""This app's menu entry (``core.navigation``)."""

from django.utils.translation import gettext_lazy as _

from core.navigation import register_backoffice

from .permissions import PRICE_EDITORS

register_backoffice(
    "pricing", _("Prices"), "backoffice:price_list_list", order=45, roles=PRICE_EDITORS
)
