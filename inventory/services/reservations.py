"""Reservations for orders: reserve, release and ship (called by ``orders.services``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.actors import Actor
from core.messages import Msg

from ..errors import (
    InsufficientStock,
    InvalidQuantity,
    NotReserved,
    ProductInactive,
)
from ..locks import lock_stock_items, retry_on_conflict
from ..models import MovementKind, Product, StockItem, StockMovement, Warehouse
from ..permissions import ensure_can_move_reservations
from .ledger import _Change, _quantity, _reason, _reference_parts, _write


@dataclass(frozen=True)
class Allocation:
    """Units of one product reserved in one warehouse, as returned by ``reserve``.

    ``line`` is the index of the ``reserve`` input line it serves. ``release`` and
    ``ship`` accept these, or any object with ``product_id``, ``warehouse_id`` and
    ``quantity`` attributes (e.g. the order line's stored allocations).
    """

    product_id: int
    warehouse_id: int
    quantity: int
    sku: str = ""
    warehouse_code: str = ""
    line: int | None = None


def _reservation_requests(lines: Sequence[tuple[Product, int]]) -> list[tuple[Product, int]]:
    """The ``(product, quantity)`` lines, each quantity a positive whole number."""
    requests = []
    for index, (product, quantity) in enumerate(lines):
        try:
            requests.append((product, _quantity(quantity)))
        except InvalidQuantity as error:
            raise InvalidQuantity(
                _("Line %(line)d: %(error)s") % {"line": index + 1, "error": error.message}
            ) from None
    if not requests:
        raise InvalidQuantity(_("Nothing to reserve: the order has no lines."), field="lines")
    return requests


def _allocate(
    candidates: list[StockItem], remaining: dict[int, int], quantity: int
) -> list[tuple[StockItem, int]]:
    """Where one line's units come from (the caller checked that there are enough).

    1. the default warehouse, if it alone can serve the whole line;
    2. otherwise the single warehouse with the most available that can serve it all;
    3. otherwise split: the default warehouse first, then by most available.
    Ties go to the warehouse code, so the result is deterministic.
    """
    candidates = [item for item in candidates if remaining[item.pk] > 0]
    candidates.sort(key=lambda i: (not i.warehouse.is_default, -remaining[i.pk], i.warehouse.code))
    default = next((i for i in candidates if i.warehouse.is_default), None)
    if default is not None and remaining[default.pk] >= quantity:
        return [(default, quantity)]
    whole = [i for i in candidates if remaining[i.pk] >= quantity]
    if whole:
        best = min(whole, key=lambda i: (-remaining[i.pk], i.warehouse.code))
        return [(best, quantity)]
    picks, needed = [], quantity
    for item in candidates:
        take = min(needed, remaining[item.pk])
        picks.append((item, take))
        needed -= take
        if needed == 0:
            break
    return picks


@retry_on_conflict
def reserve(
    *,
    lines: Sequence[tuple[Product, int]],
    actor: Actor = None,
    reference: str = "",
    reference_object: models.Model | None = None,
    reason: str | Msg = "",
    short_allowed: bool | Collection[int] = False,
) -> list[Allocation]:
    """Reserve a whole order's lines across warehouses: all lines or none.

    ``lines`` are ``(product, quantity)`` pairs. Raises ``InsufficientStock`` listing,
    per SKU, requested vs available. ``short_allowed`` (True, or the ids of the products
    it allows) reserves what there is of a short product instead (maybe nothing): the
    caller reads the allocations to learn what is left to backorder.

    Returns the allocations (see ``_allocate`` for the rule); a line may be split across
    warehouses. Give ``reference_object`` (the order) so that ``release`` / ``ship`` can
    later work from the reference alone.
    """
    ensure_can_move_reservations(actor)
    requests = _reservation_requests(lines)
    inactive = {product.sku for product, _q in requests if not product.active}
    if inactive:
        raise ProductInactive(inactive)
    items = lock_stock_items(product_ids=[product.pk for product, _q in requests])
    by_product: dict[int, list[StockItem]] = defaultdict(list)
    for item in items.values():
        by_product[item.product_id].append(item)
    remaining = {item.pk: item.available for item in items.values()}

    requested: dict[int, int] = defaultdict(int)
    for product, quantity in requests:
        requested[product.pk] += quantity
    shortages = []
    seen = set()
    # What a short product allowed to be short has to give: its lines, in order, take
    # what is there.
    left: dict[int, int] = {}
    for product, _q in requests:
        if product.pk in seen:
            continue
        seen.add(product.pk)
        available = sum(max(remaining[i.pk], 0) for i in by_product[product.pk])
        if requested[product.pk] > available:
            if short_allowed is True or (short_allowed and product.pk in short_allowed):
                left[product.pk] = available
                continue
            shortages.append(
                {"sku": product.sku, "requested": requested[product.pk], "available": available}
            )
    if shortages:
        raise InsufficientStock(shortages)

    allocations, changes = [], []
    for index, (product, quantity) in enumerate(requests):
        if product.pk in left:
            quantity, left[product.pk] = (
                min(quantity, left[product.pk]),
                left[product.pk] - min(quantity, left[product.pk]),
            )
            if not quantity:
                continue
        for item, take in _allocate(by_product[product.pk], remaining, quantity):
            remaining[item.pk] -= take
            changes.append(_Change(item, MovementKind.RESERVATION, 0, take))
            allocations.append(
                Allocation(
                    product_id=product.pk,
                    warehouse_id=item.warehouse_id,
                    quantity=take,
                    sku=product.sku,
                    warehouse_code=item.warehouse.code,
                    line=index,
                )
            )
    _write(
        changes,
        actor=actor,
        reason=_reason(reason, required=False) or Msg("stock.order_placed"),
        reference=reference,
        reference_object=reference_object,
    )
    return allocations


def _allocation_quantities(allocations) -> dict[tuple[int, int], int]:
    wanted: dict[tuple[int, int], int] = defaultdict(int)
    for allocation in allocations:
        if isinstance(allocation, Mapping):
            product_id, warehouse_id = allocation["product_id"], allocation["warehouse_id"]
            quantity = allocation["quantity"]
        else:
            product_id, warehouse_id = allocation.product_id, allocation.warehouse_id
            quantity = allocation.quantity
        wanted[(product_id, warehouse_id)] += _quantity(quantity)
    return wanted


def _outstanding(reference_object, stock_item_ids=None) -> dict[int, int]:
    """Units still reserved for ``reference_object``, per stock item id (from the ledger)."""
    ref = _reference_parts(reference_object)
    rows = StockMovement.objects.filter(**ref)
    if stock_item_ids is not None:
        rows = rows.filter(stock_item_id__in=stock_item_ids)
    totals = rows.values("stock_item_id").annotate(total=Sum("reserved_delta")).order_by()
    return {row["stock_item_id"]: row["total"] for row in totals if row["total"]}


def _consume_reservation(
    *, kind, allocations, reference_object, actor: Actor, reason, reference
) -> list[StockMovement]:
    if allocations is None:
        if reference_object is None:
            raise InvalidQuantity(
                _("Give the allocations or the reference they were reserved for."),
                field="allocations",
            )
        # Which items to lock: read unlocked, then recount under the lock below.
        item_ids = list(_outstanding(reference_object))
        locked = lock_stock_items(item_ids=item_ids)
        by_id = {item.pk: item for item in locked.values()}
        wanted = {
            (by_id[pk].product_id, by_id[pk].warehouse_id): qty
            for pk, qty in _outstanding(reference_object, item_ids).items()
            if qty > 0
        }
    else:
        wanted = _allocation_quantities(allocations)
        locked = lock_stock_items(pairs=wanted.keys())
    outstanding = (
        _outstanding(reference_object, [item.pk for item in locked.values()])
        if reference_object is not None
        else None
    )
    changes = []
    for key in sorted(wanted):
        quantity = wanted[key]
        item = locked.get(key)
        held = 0 if item is None else item.reserved
        if outstanding is not None and item is not None:
            held = min(held, outstanding.get(item.pk, 0))
        if item is None or quantity > held:
            sku = (
                item.product.sku
                if item
                else Product.objects.filter(pk=key[0]).values_list("sku", flat=True).first()
            )
            code = (
                item.warehouse.code
                if item
                else Warehouse.objects.filter(pk=key[1]).values_list("code", flat=True).first()
            )
            raise NotReserved(
                sku=sku or key[0], warehouse=code or key[1], requested=quantity, reserved=held
            )
        on_hand_delta = -quantity if kind == MovementKind.SHIPMENT else 0
        changes.append(_Change(item, kind, on_hand_delta, -quantity))
    return _write(
        changes, actor=actor, reason=reason, reference=reference, reference_object=reference_object
    )


@retry_on_conflict
def release(
    *,
    allocations: Iterable | None = None,
    reference_object: models.Model | None = None,
    actor: Actor = None,
    reason: str | Msg = "",
    reference: str = "",
) -> list[StockMovement]:
    """Give reserved units back to available (order cancelled or changed).

    With ``allocations``: exactly those. With only ``reference_object``: everything
    still reserved for it. With both, the allocations may not exceed what the reference
    still holds, so releasing twice cannot free another order's units.
    """
    ensure_can_move_reservations(actor)
    return _consume_reservation(
        kind=MovementKind.RELEASE,
        allocations=allocations,
        reference_object=reference_object,
        actor=actor,
        reason=_reason(reason, required=False) or Msg("stock.reservation_released"),
        reference=reference,
    )


@retry_on_conflict
def ship(
    *,
    allocations: Iterable | None = None,
    reference_object: models.Model | None = None,
    actor: Actor = None,
    reason: str | Msg = "",
    reference: str = "",
) -> list[StockMovement]:
    """Reserved units leave the warehouse: ``on_hand`` and ``reserved`` both go down.
    Takes allocations and/or the reference like ``release``."""
    ensure_can_move_reservations(actor)
    return _consume_reservation(
        kind=MovementKind.SHIPMENT,
        allocations=allocations,
        reference_object=reference_object,
        actor=actor,
        reason=_reason(reason, required=False) or Msg("stock.order_shipped"),
        reference=reference,
    )
