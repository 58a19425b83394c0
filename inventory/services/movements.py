"""Stock movements a person records: receipts, adjustments, write-offs, restocked returns."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from core.actors import Actor

from .. import events
from ..errors import InvalidQuantity
from ..locks import lock_stock_items, retry_on_conflict
from ..models import MovementKind, Product, StockMovement, Warehouse
from ..permissions import ensure_can_keep_stock
from .ledger import _quantity, _reason, _single_change, _warehouse

# --- Stock services -------------------------------------------------------------------


@retry_on_conflict
def receive(
    *,
    actor: Actor,
    product: Product,
    quantity: int,
    warehouse: Warehouse | None = None,
    reason: str = "",
    reference: str = "",
) -> StockMovement:
    """Goods arrived from a supplier: ``on_hand`` grows by ``quantity`` (> 0).

    ``warehouse`` None: the default warehouse.
    """
    ensure_can_keep_stock(actor)
    quantity = _quantity(quantity)
    warehouse = _warehouse(warehouse)
    movement = _single_change(
        product=product,
        warehouse=warehouse,
        kind=MovementKind.RECEIPT,
        on_hand_delta=quantity,
        actor=actor,
        reason=_reason(reason, required=False),
        reference=reference,
    )
    # Orders waiting for this product (backorders) reserve it after commit.
    events.publish(events.STOCK_RECEIVED, events.stock_received_payload([movement]))
    return movement


@retry_on_conflict
def adjust(
    *,
    actor: Actor,
    product: Product,
    reason: str,
    quantity: int | None = None,
    counted: int | None = None,
    warehouse: Warehouse | None = None,
    reference: str = "",
) -> StockMovement | None:
    """Correct ``on_hand``: by a signed ``quantity``, or to the ``counted`` units of a stock
    count (computed under the lock, so a concurrent reservation is not lost). Never below
    what is reserved. Returns ``None`` when a count matches the books."""
    ensure_can_keep_stock(actor)
    warehouse = _warehouse(warehouse)
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
        actor=actor,
        reason=reason,
        reference=reference,
    )


@retry_on_conflict
def write_off(
    *,
    actor: Actor,
    product: Product,
    quantity: int,
    reason: str,
    warehouse: Warehouse | None = None,
    reference: str = "",
    reference_object: models.Model | None = None,
) -> StockMovement:
    """Damaged or lost goods leave the books; only available (unreserved) units."""
    ensure_can_keep_stock(actor)
    quantity = _quantity(quantity)
    warehouse = _warehouse(warehouse)
    return _single_change(
        product=product,
        warehouse=warehouse,
        kind=MovementKind.WRITE_OFF,
        on_hand_delta=-quantity,
        actor=actor,
        reason=_reason(reason, required=True),
        reference=reference,
        reference_object=reference_object,
    )


@retry_on_conflict
def restock_return(
    *,
    actor: Actor,
    product: Product,
    quantity: int,
    warehouse: Warehouse | None = None,
    reference_object: models.Model | None = None,
    reference: str = "",
    reason: str = "",
) -> StockMovement:
    """Resellable returned goods go back on the shelf (default warehouse if none given)."""
    ensure_can_keep_stock(actor)
    quantity = _quantity(quantity)
    warehouse = _warehouse(warehouse)
    return _single_change(
        product=product,
        warehouse=warehouse,
        kind=MovementKind.RETURN_RESTOCK,
        on_hand_delta=quantity,
        actor=actor,
        reason=_reason(reason, required=False),
        reference=reference,
        reference_object=reference_object,
    )
