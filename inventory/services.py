"""The only code that changes stock, and the catalog's write services.

Every change of ``on_hand`` / ``reserved`` is written together with its ledger movement
in one transaction, on rows locked in primary-key order (``inventory.locks``).

None of these services is ``durable``: the orders service calls ``reserve`` /
``release`` / ``ship`` inside its own transaction, and the API may wrap a request in one
(idempotency). Each runs in its own atomic block (a savepoint when nested), so a retry
after a deadlock or serialization failure redoes only the stock work.

Quantities are ``int`` (never ``bool``, ``Decimal`` or ``float``); bad input raises an
``inventory.errors`` domain error and writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, F, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from . import events
from .errors import (
    DuplicateSkus,
    InsufficientStock,
    InvalidData,
    InvalidProducts,
    InvalidQuantity,
    InvalidStockChanges,
    NegativeStock,
    NegativeStockChanges,
    NotReserved,
    ProductInactive,
    TooManyItems,
    UnknownProduct,
    UnknownWarehouse,
)
from .locks import lock_stock_items, retry_on_conflict
from .models import (
    Category,
    LowStockAlert,
    MovementKind,
    Product,
    StockItem,
    StockMovement,
    Warehouse,
)

#: Kinds a person (back-office form, CSV import, ERP) may record directly.
MANUAL_KINDS = (MovementKind.RECEIPT, MovementKind.ADJUSTMENT, MovementKind.WRITE_OFF)
#: Most quantity one movement may carry (guards against typos such as 1000000).
MAX_QUANTITY = 1_000_000


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


@dataclass(frozen=True)
class StockChange:
    """One item of a batch for ``record_stock_changes`` (the CSV import, the API)."""

    sku: str
    quantity: Any
    warehouse: str = ""
    kind: str = MovementKind.RECEIPT
    reason: str = ""
    reference: str = ""


# --- Input checks ---------------------------------------------------------------------


def _quantity(value, *, allow_negative: bool = False, field: str = "quantity") -> int:
    """A whole number of units: positive, or non-zero when ``allow_negative``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidQuantity(_("Enter a whole number of units."), field=field)
    if allow_negative:
        if value == 0:
            raise InvalidQuantity(_("The change cannot be zero."), field=field)
    elif value <= 0:
        raise InvalidQuantity(_("The quantity must be greater than zero."), field=field)
    if abs(value) > MAX_QUANTITY:
        raise InvalidQuantity(
            _("At most %(max)d units per movement.") % {"max": MAX_QUANTITY}, field=field
        )
    return value


def _reason(value: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        message = _("Say why (e.g. stock count, damaged in the warehouse).")
        raise InvalidQuantity(message, field="reason")
    return value[:255]


def _product(product: Product | str) -> Product:
    if isinstance(product, Product):
        return product
    sku = str(product or "").strip()
    found = Product.objects.filter(sku=sku).first()
    if found is None:
        raise UnknownProduct(sku)
    return found


def _warehouse(warehouse: Warehouse | str | None) -> Warehouse:
    if isinstance(warehouse, Warehouse):
        return warehouse
    code = str(warehouse or "").strip().upper()
    found = (
        Warehouse.objects.filter(code=code).first()
        if code
        else Warehouse.objects.filter(is_default=True).first()
    )
    if found is None:
        raise UnknownWarehouse(code)
    return found


def _reference_parts(reference_object: models.Model | None) -> dict:
    if reference_object is None:
        return {"content_type": None, "object_id": ""}
    return {
        "content_type": ContentType.objects.get_for_model(reference_object),
        "object_id": str(reference_object.pk),
    }


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


# --- Writing changes ------------------------------------------------------------------


@dataclass
class _Change:
    item: StockItem
    kind: str
    on_hand_delta: int
    reserved_delta: int
    reason: str | None = None  # None: the reason given to ``_write``
    reference: str | None = None


def _write(
    changes: list[_Change], *, user, reason: str, reference: str, reference_object
) -> list[StockMovement]:
    """Apply ``changes`` to locked stock items and append their movements.

    One UPDATE for all items (relative, ``F() + delta``, so the database does the
    arithmetic) and one INSERT for all movements; the CHECK constraints are the last
    line of defence against negative stock.
    """
    if not changes:
        return []
    now = timezone.now()
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    movements = []
    ref = _reference_parts(reference_object)
    for change in changes:
        item = change.item
        item.on_hand += change.on_hand_delta
        item.reserved += change.reserved_delta
        if not 0 <= item.reserved <= item.on_hand:  # the services check first; never reached
            raise AssertionError(f"invalid stock levels for {item}")
        totals[item.pk][0] += change.on_hand_delta
        totals[item.pk][1] += change.reserved_delta
        movements.append(
            StockMovement(
                stock_item=item,
                kind=change.kind,
                on_hand_delta=change.on_hand_delta,
                reserved_delta=change.reserved_delta,
                on_hand_after=item.on_hand,
                reserved_after=item.reserved,
                reason=reason if change.reason is None else change.reason,
                reference=(reference if change.reference is None else change.reference)[:100],
                user=_user(user),
                created_at=now,
                updated_at=now,
                **ref,
            )
        )
    StockItem.objects.filter(pk__in=totals).update(
        on_hand=Case(*(When(pk=pk, then=F("on_hand") + d[0]) for pk, d in totals.items())),
        reserved=Case(*(When(pk=pk, then=F("reserved") + d[1]) for pk, d in totals.items())),
        updated_at=now,
    )
    StockMovement.objects.bulk_create(movements)
    _sync_low_stock({change.item.pk: change.item for change in changes}.values())
    return movements


def _sync_low_stock(items: Iterable[StockItem]) -> list[LowStockAlert]:
    """Raise one alert when an item crosses below its reorder point; clear the flag when
    it is back at or above it. ``stock.low`` is published (the email is notifications')."""
    raised = []
    now = timezone.now()
    for item in items:
        low = item.available < item.reorder_point
        if low == item.low_stock:
            continue
        item.low_stock = low
        StockItem.objects.filter(pk=item.pk).update(low_stock=low, updated_at=now)
        if low:
            alert = LowStockAlert.objects.create(
                stock_item=item, available=item.available, reorder_point=item.reorder_point
            )
            events.publish(events.STOCK_LOW, events.stock_low_payload(item, alert))
            raised.append(alert)
        else:
            LowStockAlert.objects.filter(stock_item=item, resolved_at__isnull=True).update(
                resolved_at=now
            )
    return raised


def _single_change(
    *,
    product,
    warehouse,
    kind,
    on_hand_delta,
    reserved_delta=0,
    user,
    reason,
    reference,
    reference_object=None,
) -> StockMovement:
    items = lock_stock_items(pairs=[(product.pk, warehouse.pk)], create=True)
    item = items[(product.pk, warehouse.pk)]
    if item.on_hand + on_hand_delta < item.reserved + reserved_delta:
        raise NegativeStock(
            sku=product.sku,
            warehouse=warehouse.code,
            on_hand=item.on_hand,
            reserved=item.reserved,
            change=on_hand_delta,
        )
    change = _Change(item, kind, on_hand_delta, reserved_delta)
    return _write(
        [change], user=user, reason=reason, reference=reference, reference_object=reference_object
    )[0]


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


def _reservation_requests(lines) -> list[tuple[Product, int]]:
    raw = []
    for index, line in enumerate(lines):
        if isinstance(line, Mapping):
            product, quantity = line.get("product") or line.get("sku"), line.get("quantity")
        else:
            try:
                product, quantity = line
            except (TypeError, ValueError):
                raise InvalidQuantity(
                    _("Each line needs a product and a quantity."), field="lines"
                ) from None
        try:
            raw.append((product, _quantity(quantity)))
        except InvalidQuantity as error:
            raise InvalidQuantity(
                _("Line %(line)d: %(error)s") % {"line": index + 1, "error": error.message}
            ) from None
    if not raw:
        raise InvalidQuantity(_("Nothing to reserve: the order has no lines."), field="lines")
    skus = {str(p).strip() for p, _q in raw if not isinstance(p, Product)}
    found = {p.sku: p for p in Product.objects.filter(sku__in=skus)} if skus else {}
    requests = []
    for product, quantity in raw:
        if not isinstance(product, Product):
            sku = str(product or "").strip()
            if sku not in found:
                raise UnknownProduct(sku)
            product = found[sku]
        requests.append((product, quantity))
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
    lines: Sequence,
    user=None,
    reference: str = "",
    reference_object: models.Model | None = None,
    reason: str = "",
) -> list[Allocation]:
    """Reserve a whole order's lines across warehouses: all lines or none.

    ``lines`` are ``(product_or_sku, quantity)`` pairs or mappings with ``product`` (or
    ``sku``) and ``quantity``. Raises ``InsufficientStock`` listing, per SKU, requested
    vs available. Returns the allocations (see ``_allocate`` for the rule); a line may
    be split across warehouses. Give ``reference_object`` (the order) so that
    ``release`` / ``ship`` can later work from the reference alone.
    """
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
    for product, _q in requests:
        if product.pk in seen:
            continue
        seen.add(product.pk)
        available = sum(max(remaining[i.pk], 0) for i in by_product[product.pk])
        if requested[product.pk] > available:
            shortages.append(
                {"sku": product.sku, "requested": requested[product.pk], "available": available}
            )
    if shortages:
        raise InsufficientStock(shortages)

    allocations, changes = [], []
    for index, (product, quantity) in enumerate(requests):
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
        user=user,
        reason=_reason(reason, required=False) or _("Order placed"),
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
    *, kind, allocations, reference_object, user, reason, reference
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
        changes, user=user, reason=reason, reference=reference, reference_object=reference_object
    )


@retry_on_conflict
def release(
    *,
    allocations: Iterable | None = None,
    reference_object: models.Model | None = None,
    user=None,
    reason: str = "",
    reference: str = "",
) -> list[StockMovement]:
    """Give reserved units back to available (order cancelled or changed).

    With ``allocations``: exactly those. With only ``reference_object``: everything
    still reserved for it. With both, the allocations may not exceed what the reference
    still holds, so releasing twice cannot free another order's units.
    """
    return _consume_reservation(
        kind=MovementKind.RELEASE,
        allocations=allocations,
        reference_object=reference_object,
        user=user,
        reason=_reason(reason, required=False) or _("Reservation released"),
        reference=reference,
    )


@retry_on_conflict
def ship(
    *,
    allocations: Iterable | None = None,
    reference_object: models.Model | None = None,
    user=None,
    reason: str = "",
    reference: str = "",
) -> list[StockMovement]:
    """Reserved units leave the warehouse: ``on_hand`` and ``reserved`` both go down.
    Takes allocations and/or the reference like ``release``."""
    return _consume_reservation(
        kind=MovementKind.SHIPMENT,
        allocations=allocations,
        reference_object=reference_object,
        user=user,
        reason=_reason(reason, required=False) or _("Order shipped"),
        reference=reference,
    )


def _resolve_changes(changes: Sequence) -> tuple[list, dict[int, dict[str, list[str]]]]:
    """Check every item of a batch (no locks); returns the resolved items and the errors."""
    errors: dict[int, dict[str, list[str]]] = {}
    resolved = []
    items = [c if isinstance(c, StockChange) else StockChange(**c) for c in changes]
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


def validate_stock_changes(changes: Sequence) -> dict[int, dict[str, list[str]]]:
    """The per-item errors of a batch, without writing or locking anything."""
    return _resolve_changes(changes)[1]


@retry_on_conflict
def record_stock_changes(*, changes: Sequence, user=None) -> list[StockMovement]:
    """Record a batch of receipts, adjustments and write-offs: all or nothing.

    ``changes`` are ``StockChange`` objects or mappings with the same keys (``sku``,
    ``warehouse`` code, ``quantity``, ``kind``, ``reason``, ``reference``). Raises
    ``InvalidStockChanges`` with the errors per item index (unknown SKU or warehouse,
    bad quantity), or its subclass ``NegativeStockChanges`` (a 409) for changes that
    would leave stock below zero or below what is reserved, counting earlier items of
    the same batch.
    """
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
    return _write(changes, user=user, reason="", reference="", reference_object=None)


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


def sweep_low_stock() -> dict[str, int]:
    """Daily safety net: alert crossings nobody flagged (levels edited elsewhere) and
    clear stale flags. (An alert's email that never left is the outbox's and the
    notifications' sweeps' business.)"""
    stats = {"raised": 0, "cleared": 0}
    mismatched = StockItem.objects.filter(
        models.Q(low_stock=False, reorder_point__gt=F("on_hand") - F("reserved"))
        | models.Q(low_stock=True, reorder_point__lte=F("on_hand") - F("reserved"))
    ).values_list("pk", flat=True)
    for pk in mismatched:
        with transaction.atomic():
            items = lock_stock_items(item_ids=[pk])
            was_low = {item.pk: item.low_stock for item in items.values()}
            raised = _sync_low_stock(items.values())
            stats["raised"] += len(raised)
            stats["cleared"] += sum(
                1 for item in items.values() if was_low[item.pk] and not item.low_stock
            )
    return stats


# --- Catalog services -----------------------------------------------------------------


def _save(instance: models.Model, fields: Mapping[str, Any]) -> models.Model:
    for name, value in fields.items():
        setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as error:
        raise InvalidData(error.message_dict) from error
    instance.save()
    return instance


@transaction.atomic
def create_category(*, actor=None, **fields: Any) -> Category:
    """Create a category with its return policy."""
    return _save(Category(), fields)


@transaction.atomic
def update_category(*, category: Category, actor=None, **fields: Any) -> Category:
    """Change a category or its return policy (applies to returns requested from now on)."""
    return _save(category, fields)


def _clean_product_fields(fields: dict) -> dict:
    if "sku" in fields:
        fields["sku"] = str(fields["sku"]).strip()
    if "external_ref" in fields:
        fields["external_ref"] = fields["external_ref"] or None
    return fields


@transaction.atomic
def create_product(*, actor=None, **fields: Any) -> Product:
    """Create a product (no stock yet: stock comes with ``receive``)."""
    return _save(Product(), _clean_product_fields(dict(fields)))


@transaction.atomic
def update_product(*, product: Product, actor=None, **fields: Any) -> Product:
    """Change a product's data; its SKU may change, its stock history stays."""
    return _save(product, _clean_product_fields(dict(fields)))


def _lock_warehouses() -> list[Warehouse]:
    return list(Warehouse.objects.select_for_update().order_by("pk"))


@transaction.atomic
def create_warehouse(*, actor=None, **fields: Any) -> Warehouse:
    """Create a warehouse; the first one, or one created with ``is_default``, is the default."""
    existing = _lock_warehouses()
    fields = dict(fields)
    if "code" in fields:
        fields["code"] = str(fields["code"]).strip().upper()
    make_default = fields.pop("is_default", False) or not existing
    warehouse = _save(Warehouse(), fields)
    if make_default:
        _make_default(warehouse)
    return warehouse


@transaction.atomic
def update_warehouse(*, warehouse: Warehouse, actor=None, **fields: Any) -> Warehouse:
    """Change a warehouse; ``is_default=True`` makes it the only default. The default
    cannot be unset directly: make another warehouse the default instead."""
    _lock_warehouses()
    fields = dict(fields)
    if "code" in fields:
        fields["code"] = str(fields["code"]).strip().upper()
    make_default = fields.pop("is_default", None)
    warehouse = _save(warehouse, fields)
    if make_default:
        _make_default(warehouse)
    return warehouse


def _make_default(warehouse: Warehouse) -> None:
    Warehouse.objects.filter(is_default=True).exclude(pk=warehouse.pk).update(
        is_default=False, updated_at=timezone.now()
    )
    if not warehouse.is_default:
        warehouse.is_default = True
        warehouse.save(update_fields=["is_default", "updated_at"])


# --- Bulk catalog upsert ----------------------------------------------------------------

#: Most products one ``bulk_upsert_products`` call may carry.
MAX_BULK_PRODUCTS = 1000
#: The product fields a bulk item may set (``category`` is a Category or its id).
BULK_PRODUCT_FIELDS = (
    "sku",
    "name",
    "description",
    "category",
    "unit_price",
    "vat_rate",
    "weight_kg",
    "active",
    "external_ref",
)
#: The columns ``bulk_upsert_products`` compares and writes.
_BULK_COLUMNS = tuple("category_id" if name == "category" else name for name in BULK_PRODUCT_FIELDS)


@dataclass(frozen=True)
class BulkUpsertResult:
    """``products`` in input order; SKUs created, updated and sent unchanged."""

    products: list[Product]
    created: list[str]
    updated: list[str]
    unchanged: list[str]


def _bulk_item_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    fields = {name: item[name] for name in BULK_PRODUCT_FIELDS if name in item}
    if "category_id" in item and "category" not in fields:
        fields["category"] = item["category_id"]
    if isinstance(fields.get("category"), Category):
        fields["category"] = fields["category"].pk
    fields["sku"] = str(item.get("sku") or "").strip()
    if "external_ref" in fields:
        fields["external_ref"] = fields["external_ref"] or None
    return fields


def _external_ref_errors(
    batch: list[dict[str, Any]], existing: dict[str, Product]
) -> dict[int, str]:
    """Items claiming an ``external_ref`` that another product holds after the batch."""
    final: dict[str, list[int]] = defaultdict(list)  # ref -> indexes of items holding it
    for index, fields in enumerate(batch):
        ref = (
            fields["external_ref"]
            if "external_ref" in fields
            else getattr(existing.get(fields["sku"]), "external_ref", None)
        )
        if ref is not None:
            final[ref].append(index)
    errors = {}
    batch_skus = {fields["sku"] for fields in batch}
    holders = Product.objects.filter(external_ref__in=list(final)).exclude(sku__in=batch_skus)
    for ref in holders.values_list("external_ref", flat=True):
        for index in final[ref]:
            errors[index] = _("Another product already has this external reference.")
    for indexes in final.values():
        if len(indexes) > 1:
            for index in indexes:
                errors[index] = _("This external reference appears more than once.")
    return errors


@transaction.atomic
def bulk_upsert_products(*, items: Sequence[Mapping[str, Any]], actor=None) -> BulkUpsertResult:
    """Create or update products by SKU, all or nothing.

    Every item is checked before anything is written (SKUs repeated in the batch, field
    rules, unknown categories, external references held by other products); then new
    products are written with one bulk INSERT and changed ones with one bulk UPDATE, so
    the number of queries does not grow with the items. A new SKU needs ``name``,
    ``category`` and ``unit_price``; for an existing one, fields left out keep their
    values. Raises ``DuplicateSkus`` / ``InvalidProducts`` (errors per item index) or
    ``TooManyItems``.
    """
    if len(items) > MAX_BULK_PRODUCTS:
        raise TooManyItems(count=len(items), limit=MAX_BULK_PRODUCTS)
    if not items:
        raise InvalidProducts({}, _("Send at least one product."))
    batch = [_bulk_item_fields(item) for item in items]

    seen: dict[str, list[int]] = defaultdict(list)
    for index, fields in enumerate(batch):
        if fields["sku"]:
            seen[fields["sku"]].append(index)
    duplicates = {sku: indexes for sku, indexes in seen.items() if len(indexes) > 1}
    if duplicates:
        raise DuplicateSkus(duplicates)

    existing = {
        product.sku: product
        for product in Product.objects.select_for_update().filter(sku__in=list(seen)).order_by("pk")
    }
    category_ids = {
        fields["category"]
        for fields in batch
        if isinstance(fields.get("category"), int) and not isinstance(fields["category"], bool)
    }
    known_categories = set(
        Category.objects.filter(pk__in=category_ids).values_list("pk", flat=True)
    )
    ref_errors = _external_ref_errors(batch, existing)

    errors: dict[int, dict[str, list[str]]] = {}
    products, before = [], {}
    for index, fields in enumerate(batch):
        problems: dict[str, list[str]] = {}
        product = existing.get(fields["sku"])
        if product is None:
            product = Product()
            if "category" not in fields:
                problems["category"] = [_("This field is required.")]
        else:
            before[index] = {name: getattr(product, name) for name in _BULK_COLUMNS}
        for name, value in fields.items():
            if name == "category":
                if (
                    isinstance(value, bool)
                    or not isinstance(value, int)
                    or value not in known_categories
                ):
                    problems["category"] = [_("Unknown category: %(id)s.") % {"id": value}]
                else:
                    product.category_id = value
            else:
                setattr(product, name, value)
        try:
            product.clean_fields(exclude=["category"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                problems.setdefault(name, []).extend(messages)
        if index in ref_errors:
            problems.setdefault("external_ref", []).append(ref_errors[index])
        if problems:
            errors[index] = problems
        products.append(product)
    if errors:
        raise InvalidProducts(errors)

    now = timezone.now()
    created, updated, unchanged, to_create, to_update = [], [], [], [], []
    for index, product in enumerate(products):
        if product.pk is None:
            product.created_at = product.updated_at = now
            to_create.append(product)
            created.append(product.sku)
        elif any(getattr(product, name) != value for name, value in before[index].items()):
            product.updated_at = now
            to_update.append(product)
            updated.append(product.sku)
        else:
            unchanged.append(product.sku)
    if to_create:
        Product.objects.bulk_create(to_create)
    if to_update:
        Product.objects.bulk_update(to_update, [*_BULK_COLUMNS, "updated_at"])
    return BulkUpsertResult(products, created, updated, unchanged)
