"""Who may change the catalog and the stock.

The write services call the ``ensure_*`` checks, so every face (back-office, API,
demo, tasks) is held to the same rules; faces may ask the ``can_*`` questions first
to hide a button or answer with a friendly 403 page.

- The catalog (categories, products) and the warehouses: managers, seller keys and
  the system.
- Stock movements and per-item stock settings (reorder levels, bin location):
  warehouse staff, managers, seller keys and the system.
- Reservations (reserve / release / ship) are made by ``orders.services`` for an
  order it has already authorised: any active actor, a customer's included.
- Company keys and customer users change nothing here (they only read the catalog
  and the stock levels through the API).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.actors import Actor, has_role, is_active_actor
from core.errors import NotAllowed
from core.roles import StaffRole

CATALOG_EDITORS = (StaffRole.MANAGER,)
STOCK_KEEPERS = (StaffRole.WAREHOUSE, StaffRole.MANAGER)


def can_edit_catalog(actor: Actor) -> bool:
    """Create or change categories, products and warehouses."""
    return is_active_actor(actor) and has_role(actor, *CATALOG_EDITORS)


def can_keep_stock(actor: Actor) -> bool:
    """Record stock movements and change per-item stock settings."""
    return is_active_actor(actor) and has_role(actor, *STOCK_KEEPERS)


def can_move_reservations(actor: Actor) -> bool:
    """Reserve, release or ship stock for an order (the orders domain authorised it)."""
    return is_active_actor(actor)


def ensure_can_edit_catalog(actor: Actor) -> None:
    if not can_edit_catalog(actor):
        raise NotAllowed(_("Only managers may change the catalog and the warehouses."))


def ensure_can_keep_stock(actor: Actor) -> None:
    if not can_keep_stock(actor):
        raise NotAllowed(_("Only warehouse staff and managers may change stock."))


def ensure_can_move_reservations(actor: Actor) -> None:
    if not can_move_reservations(actor):
        raise NotAllowed()
