"""Stock movements a person records: receipts, adjustments, write-offs, restocked returns."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from ..errors import InvalidQuantity
from ..locks import lock_stock_items, retry_on_conflict
from ..models import MovementKind, Product, StockMovement, Warehouse
from .ledger import _product, _quantity, _reason, _single_change, _warehouse

# --- Stock services -------------------------------------------------------------------


@retry_on_conflict
def receive(
    *,
    product: Product | str,
    quantity: int,
    warehouse: Warehouse | str | None = None,
    user=None,
    reason: str = "",
    reference: str = "",
) -> StockMovement:
    """Goods arrived from a supplier: ``on_hand`` grows by ``quantity`` (> 0).

    ``product`` is a Product or a SKU, ``warehouse`` a Warehouse or a code (default
    warehouse when omitted).
    """
    quantity = _quantity(quantity)
    product, warehouse = _product(product), _warehouse(warehouse)
    return _single_change(
        product=product,
        warehouse=warehouse,
        kind=MovementKind.RECEIPT,
        on_hand_delta=quantity,
        user=user,
        reason=_reason(reason, required=False),
        reference=reference,
    )


@retry_on_conflict
def adjust(
    *,
    product: Product | str,
    reason: str,
    quantity: int | None = None,
    counted: int | None = None,
    warehouse: Warehouse | str | None = None,
    user=None,
    reference: str = "",
) -> StockMovement | None:
    """Correct ``on_hand``: by a signed ``quantity``, or to the ``counted`` units of a stock
    count (computed under the lock, so a concurrent reservation is not lost). Never below
    what is reserved. Returns ``None`` when a count matches the books."""
    product, warehouse = _product(product), _warehouse(warehouse)
    reason = _reason(reason, required=True)
    if (quantity is None) == (counted is None):
        raise InvalidQuantity(_("Give either a change or a counted quantity."))
    if counted is not None:
        if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
            raise InvalidQuantity(
                _("The counted quantity must be a whole number, zero or more."), field="counted"
            )
        item = lock_stock_items(pairs=[(product.pk, warehouse.pk)], create=True)[
            (product.pk, warehouse.pk)
        ]
        quantity = counted - item.on_hand
        if quantity == 0:
            return None
    quantity = _quantity(quantity, allow_negative=True)
    return _single_change(
        product=product,
        warehouse=warehouse,
        kind=MovementKind.ADJUSTMENT,
        on_hand_delta=quantity,
        user=user,
        reason=reason,
        reference=reference,
    )


@retry_on_conflict
def write_off(
    *,
    product: Product | str,
    quantity: int,
    reason: str,
    warehouse: Warehouse | str | None = None,
    user=None,
    reference: str = "",
    reference_object: models.Model | None = None,
) -> StockMovement:
    """Damaged or lost goods leave the books; only available (unreserved) units."""
    quantity = _quantity(quantity)
    product, warehouse = _product(product), _warehouse(warehouse)
    return _single_change(
        product=product,
        warehouse=warehouse,
        kind=MovementKind.WRITE_OFF,
        on_hand_delta=-quantity,
        user=user,
        reason=_reason(reason, required=True),
        reference=reference,
        reference_object=reference_object,
    )


@retry_on_conflict
def restock_return(
    *,
    product: Product | str,
    quantity: int,
    warehouse: Warehouse | str | None = None,
    reference_object: models.Model | None = None,
    reference: str = "",
    user=None,
    reason: str = "",
) -> StockMovement:
    """Resellable returned goods go back on the shelf (default warehouse if none given)."""
    quantity = _quantity(quantity)
    product, warehouse = _product(product), _warehouse(warehouse)
    return _single_change(
        product=product,
        warehouse=warehouse,
        kind=MovementKind.RETURN_RESTOCK,
        on_hand_delta=quantity,
        user=user,
        reason=_reason(reason, required=False),
        reference=reference,
        reference_object=reference_object,
    )
