"""This app's menu entry (``core.navigation``): the API section, for managers."""

from django.utils.translation import gettext_lazy as _

from core.navigation import SETTINGS, register_backoffice
from core.roles import StaffRole

register_backoffice(
    "api", _("API"), "backoffice:apikey_list", order=90, roles=(StaffRole.MANAGER,), group=SETTINGS
)
