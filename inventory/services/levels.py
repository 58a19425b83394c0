"""Per-item stock settings: reorder levels and bin locations.

Warehouse staff and managers (and seller keys, and the system) may change them; every
change writes an audit row on the stock item (``core.audit``) in the same transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.actors import Actor
from core.errors import DomainError

from ..errors import InvalidQuantity
from ..locks import lock_stock_items
from ..models import Product, StockItem, Warehouse
from ..permissions import ensure_can_keep_stock
from .alerts import _sync_low_stock
from .ledger import MAX_QUANTITY, _warehouse

REORDER_FIELDS = ["reorder_point", "reorder_quantity"]
LOCATION_FIELDS = ["bin_location"]


def _locked_item(product: Product, warehouse: Warehouse) -> StockItem:
    return lock_stock_items(pairs=[(product.pk, warehouse.pk)], create=True)[
        (product.pk, warehouse.pk)
    ]


def _check_levels(reorder_point: int, reorder_quantity: int) -> None:
    """Whole numbers from zero to ``MAX_QUANTITY`` (the form's bounds, held here)."""
    for field, value in (("reorder_point", reorder_point), ("reorder_quantity", reorder_quantity)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidQuantity(_("Enter a whole number, zero or more."), field=field)
        if value > MAX_QUANTITY:
            raise InvalidQuantity(_("At most %(max)d units.") % {"max": MAX_QUANTITY}, field=field)


def _clean_bin_location(bin_location: str) -> str:
    value = " ".join((bin_location or "").split())
    max_length = StockItem._meta.get_field("bin_location").max_length
    if len(value) > max_length:
        message = _("At most %(max)d characters.") % {"max": max_length}
        raise DomainError(message, code="invalid", fields={"bin_location": [message]})
    return value


def _apply(item: StockItem, *, actor: Actor, values: dict) -> None:
    before = audit.snapshot(item, fields=list(values))
    changed = {name: value for name, value in values.items() if getattr(item, name) != value}
    if not changed:
        return
    for name, value in changed.items():
        setattr(item, name, value)
    StockItem.objects.filter(pk=item.pk).update(**changed, updated_at=timezone.now())
    audit.record_change(actor=actor, instance=item, before=before)


@transaction.atomic
def set_reorder_levels(
    *,
    actor: Actor,
    product: Product,
    warehouse: Warehouse | None,
    reorder_point: int,
    reorder_quantity: int,
) -> StockItem:
    """Set when purchasing is alerted (available < reorder point) and how much to reorder
    (``warehouse`` None: the default warehouse)."""
    ensure_can_keep_stock(actor)
    _check_levels(reorder_point, reorder_quantity)
    item = _locked_item(product, _warehouse(warehouse))
    _apply(
        item,
        actor=actor,
        values={"reorder_point": reorder_point, "reorder_quantity": reorder_quantity},
    )
    _sync_low_stock([item])
    return item


@transaction.atomic
def set_bin_location(
    *, actor: Actor, product: Product, warehouse: Warehouse | None, bin_location: str
) -> StockItem:
    """Record where a product sits in a warehouse (printed on packing lists); runs of
    whitespace become one space."""
    ensure_can_keep_stock(actor)
    value = _clean_bin_location(bin_location)
    item = _locked_item(product, _warehouse(warehouse))
    _apply(item, actor=actor, values={"bin_location": value})
    return item


@transaction.atomic
def set_stock_settings(
    *,
    actor: Actor,
    product: Product,
    warehouse: Warehouse | None,
    reorder_point: int,
    reorder_quantity: int,
    bin_location: str,
) -> StockItem:
    """Reorder levels and bin location of one stock item at once (the back-office form):
    one audit row for what changed."""
    ensure_can_keep_stock(actor)
    _check_levels(reorder_point, reorder_quantity)
    value = _clean_bin_location(bin_location)
    item = _locked_item(product, _warehouse(warehouse))
    _apply(
        item,
        actor=actor,
        values={
            "reorder_point": reorder_point,
            "reorder_quantity": reorder_quantity,
            "bin_location": value,
        },
    )
    _sync_low_stock([item])
    return item
