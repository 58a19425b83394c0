"""Per-item stock settings: reorder levels and bin locations."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from ..errors import InvalidQuantity
from ..locks import lock_stock_items
from ..models import Product, StockItem, Warehouse
from .alerts import _sync_low_stock
from .ledger import _product, _warehouse


@transaction.atomic
def set_reorder_levels(
    *,
    product: Product | str,
    warehouse: Warehouse | str | None,
    reorder_point: int,
    reorder_quantity: int,
    user=None,
) -> StockItem:
    """Set when purchasing is alerted (available < reorder point) and how much to reorder."""
    product, warehouse = _product(product), _warehouse(warehouse)
    for field, value in (("reorder_point", reorder_point), ("reorder_quantity", reorder_quantity)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidQuantity(_("Enter a whole number, zero or more."), field=field)
    item = lock_stock_items(pairs=[(product.pk, warehouse.pk)], create=True)[
        (product.pk, warehouse.pk)
    ]
    item.reorder_point, item.reorder_quantity = reorder_point, reorder_quantity
    StockItem.objects.filter(pk=item.pk).update(
        reorder_point=reorder_point, reorder_quantity=reorder_quantity, updated_at=timezone.now()
    )
    _sync_low_stock([item])
    return item


def set_bin_location(
    *, product: Product | str, warehouse: Warehouse | str | None, bin_location: str
) -> StockItem:
    """Record where a product sits in a warehouse (printed on packing lists)."""
    product, warehouse = _product(product), _warehouse(warehouse)
    value = " ".join((bin_location or "").split())
    max_length = StockItem._meta.get_field("bin_location").max_length
    if len(value) > max_length:
        message = _("At most %(max)d characters.") % {"max": max_length}
        raise DomainError(message, code="invalid", fields={"bin_location": [message]})
    item = lock_stock_items(pairs=[(product.pk, warehouse.pk)], create=True)[
        (product.pk, warehouse.pk)
    ]
    if item.bin_location != value:
        item.bin_location = value
        StockItem.objects.filter(pk=item.pk).update(bin_location=value, updated_at=timezone.now())
    return item
