"""Reserving backordered units when stock arrives (``orders.backorders`` calls this for
each ``stock.received`` event): oldest open order first (FIFO by order date)."""

from __future__ import annotations

from django.db import transaction

from inventory import services as inventory

from .. import events
from ..models import OPEN_STATUSES, Order, OrderLine, OrderStatus

#: Backorders are filled while the order has not shipped.
FILLABLE = tuple(s for s in OPEN_STATUSES if s != OrderStatus.ENVIADO)


def fill_backorders(*, product_ids) -> dict[str, int]:
    """Reserve what is available of ``product_ids`` for the backordered lines of open
    orders, oldest order first; returns ``{order number: units reserved}``. The orders
    are locked before the stock (the order the cancel service locks them in)."""
    filled: dict[str, int] = {}
    with transaction.atomic():
        order_ids = set(
            OrderLine.objects.filter(
                product_id__in=list(product_ids),
                backordered_quantity__gt=0,
                order__status__in=FILLABLE,
            ).values_list("order_id", flat=True)
        )
        if not order_ids:
            return filled
        orders = list(
            Order.objects.select_for_update(of=("self",))
            .filter(pk__in=order_ids, status__in=FILLABLE)
            .select_related("company")
            .order_by("created_at", "id")
        )
        waiting: dict[int, list[OrderLine]] = {}
        for line in (
            OrderLine.objects.filter(
                order_id__in=[o.pk for o in orders],
                product_id__in=list(product_ids),
                backordered_quantity__gt=0,
            )
            .select_related("product")
            .order_by("position")
        ):
            waiting.setdefault(line.order_id, []).append(line)
        exhausted: set[int] = set()
        for order in orders:
            reserved_lines = []
            for line in waiting.get(order.pk, []):
                if line.product_id in exhausted:
                    continue
                allocations = inventory.reserve(
                    lines=[(line.product, line.backordered_quantity)],
                    actor=None,
                    reference=order.number,
                    reference_object=order,
                    short_allowed=True,
                )
                units = sum(a.quantity for a in allocations)
                if units < line.backordered_quantity:
                    exhausted.add(line.product_id)
                if not units:
                    continue
                line.backordered_quantity -= units
                line.allocations = _merged(line.allocations, allocations)
                line.save(update_fields=["backordered_quantity", "allocations"])
                reserved_lines.append((line.sku, units))
            if reserved_lines:
                order.save(update_fields=["updated_at"])
                order.forget_checklist()
                events.order_backorder_event(order=order, lines=reserved_lines)
                filled[order.number] = sum(units for _sku, units in reserved_lines)
    return filled


def _merged(stored: list[dict], allocations) -> list[dict]:
    rows = [dict(row) for row in stored]
    for allocation in allocations:
        row = next((r for r in rows if r.get("warehouse_id") == allocation.warehouse_id), None)
        if row is None:
            rows.append(
                {
                    "warehouse": allocation.warehouse_code,
                    "warehouse_id": allocation.warehouse_id,
                    "product_id": allocation.product_id,
                    "quantity": allocation.quantity,
                }
            )
        else:
            row["quantity"] += allocation.quantity
    return rows
