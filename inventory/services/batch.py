"""Batches of stock changes (the CSV import, the API): all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from core.actors import Actor
from core.messages import Msg

from .. import events
from ..errors import (
    InvalidQuantity,
    InvalidStockChanges,
    NegativeStock,
    NegativeStockChanges,
    UnknownProduct,
    UnknownWarehouse,
)
from ..locks import lock_stock_items, retry_on_conflict
from ..models import MovementKind, Product, StockMovement, Warehouse
from ..permissions import ensure_can_keep_stock
from .ledger import MANUAL_KINDS, _Change, _quantity, _reason, _write


@dataclass(frozen=True)
class StockChange:
    """One item of a batch for ``record_stock_changes`` (the CSV import, the API)."""

    sku: str
    quantity: Any
    warehouse: str = ""
    kind: str = MovementKind.RECEIPT
    reason: str | Msg = ""
    reference: str = ""


def _resolve_changes(changes: Sequence) -> tuple[list, dict[int, dict[str, list[str]]]]:
    """Check every item of a batch (no locks); returns the resolved items and the errors."""
    errors: dict[int, dict[str, list[str]]] = {}
    resolved = []
    items = list(changes)
    skus = {str(c.sku or "").strip() for c in items}
    products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
    warehouses = {w.code: w for w in Warehouse.objects.all()}
    default = next((w for w in warehouses.values() if w.is_default), None)
    for index, change in enumerate(items):
        problems: dict[str, list[str]] = {}
        sku = str(change.sku or "").strip()
        product = products.get(sku)
        if product is None:
            problems["sku"] = [UnknownProduct(sku).message]
        code = str(change.warehouse or "").strip().upper()
        warehouse = warehouses.get(code) if code else default
        if warehouse is None:
            problems["warehouse"] = [UnknownWarehouse(code).message]
        kind = change.kind
        quantity = None
        if kind not in MANUAL_KINDS:
            problems["kind"] = [
                _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(str(k) for k in MANUAL_KINDS)}
            ]
        else:
            try:
                quantity = _quantity(
                    change.quantity, allow_negative=kind == MovementKind.ADJUSTMENT
                )
            except InvalidQuantity as error:
                problems.setdefault("quantity", []).append(error.message)
            try:
                reason = _reason(change.reason, required=kind != MovementKind.RECEIPT)
            except InvalidQuantity as error:
                problems.setdefault("reason", []).append(error.message)
        if problems:
            errors[index] = problems
        else:
            on_hand_delta = -quantity if kind == MovementKind.WRITE_OFF else quantity
            resolved.append(
                (index, product, warehouse, kind, on_hand_delta, reason, change.reference)
            )
    return resolved, errors


@retry_on_conflict
def record_stock_changes(*, actor: Actor, changes: Sequence[StockChange]) -> list[StockMovement]:
    """Record a batch of receipts, adjustments and write-offs: all or nothing.

    ``changes`` are ``StockChange`` items (``sku``, ``warehouse`` code, empty for the
    default warehouse, ``quantity``, ``kind``, ``reason``, ``reference``). Raises
    ``InvalidStockChanges`` with the errors per item index (unknown SKU or warehouse,
    bad quantity), or its subclass ``NegativeStockChanges`` (a 409) for changes that
    would leave stock below zero or below what is reserved, counting earlier items of
    the same batch.
    """
    ensure_can_keep_stock(actor)
    if not changes:
        raise InvalidQuantity(_("Nothing to record."), field="changes")
    resolved, errors = _resolve_changes(changes)
    if errors:
        raise InvalidStockChanges(errors)
    locked = lock_stock_items(pairs=[(p.pk, w.pk) for _i, p, w, *_rest in resolved], create=True)
    simulated = {key: [item.on_hand, item.reserved] for key, item in locked.items()}
    for index, product, warehouse, _kind, delta, *_rest in resolved:
        on_hand, reserved = simulated[(product.pk, warehouse.pk)]
        if on_hand + delta < reserved:
            error = NegativeStock(
                sku=product.sku,
                warehouse=warehouse.code,
                on_hand=on_hand,
                reserved=reserved,
                change=delta,
            )
            errors[index] = {"quantity": [error.message]}
        else:
            simulated[(product.pk, warehouse.pk)][0] += delta
    if errors:
        raise NegativeStockChanges(errors)
    changes = [
        _Change(
            locked[(product.pk, warehouse.pk)], kind, delta, 0, reason=reason, reference=ref or ""
        )
        for _index, product, warehouse, kind, delta, reason, ref in resolved
    ]
    movements = _write(changes, actor=actor, reason="", reference="", reference_object=None)
    receipts = [m for m in movements if m.kind == MovementKind.RECEIPT]
    if receipts:
        # Orders waiting for these products (backorders) reserve them after commit.
        events.publish(events.STOCK_RECEIVED, events.stock_received_payload(receipts))
    return movements
