"""Who may change prices.

- Price lists, their prices and quantity breaks, a company's list and its contract
  prices: customer service (the sales desk) and managers; seller keys; the system.
- The base prices of the default EUR list are the products' unit prices (the
  catalog): changing them also needs a catalog editor (managers, seller keys, the
  system), as on the product itself.
- Company keys and customer users change nothing here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.actors import Actor, has_role, is_active_actor
from core.errors import NotAllowed
from core.roles import StaffRole

PRICE_EDITORS = (StaffRole.CUSTOMER_SERVICE, StaffRole.MANAGER)


def can_edit_prices(actor: Actor) -> bool:
    return is_active_actor(actor) and has_role(actor, *PRICE_EDITORS)


def ensure_can_edit_prices(actor: Actor) -> None:
    if not can_edit_prices(actor):
        raise NotAllowed(_("Only customer service and managers may change prices."))
