"""Row locks for stock, in one place and one order, and bounded retries.

Every service that changes stock locks the ``StockItem`` rows it needs with a single
``SELECT ... FOR UPDATE ORDER BY id``: PostgreSQL locks the rows in that order, so two
transactions over the same items always queue in the same order and cannot deadlock
on them. What can still fail (a caller holding other locks in another order, a
serialization failure) is retried a bounded number of times.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from core.transactions import atomic_with_retries

from .models import StockItem

logger = logging.getLogger(__name__)


def retry_on_conflict(func):
    """Run ``func`` in its own atomic block (a savepoint when nested), retrying it a few
    times on deadlocks and serialization failures.

    Nested in a caller's transaction, only this block's work is rolled back and redone:
    the savepoint keeps the caller's transaction usable. A caller whose whole
    transaction is retried (the API's writes, ``core.api.views``) passes
    ``savepoint=False``: no savepoint, no retry here, the error fails that transaction.
    """

    @functools.wraps(func)
    def wrapper(*args, savepoint: bool = True, **kwargs):
        if not savepoint:
            with transaction.atomic(savepoint=False):
                return func(*args, **kwargs)
        return atomic_with_retries(lambda: func(*args, **kwargs), label=func.__name__)

    return wrapper


def lock_stock_items(
    *,
    pairs: Iterable[tuple[int, int]] = (),
    product_ids: Iterable[int] = (),
    item_ids: Iterable[int] = (),
    create: bool = False,
) -> dict[tuple[int, int], StockItem]:
    """Lock stock items in primary-key order and return them by (product_id, warehouse_id).

    ``pairs`` are (product_id, warehouse_id); ``product_ids`` lock the product in every
    warehouse; ``item_ids`` lock stock items by pk. With ``create``, missing ``pairs`` are
    inserted first (``ON CONFLICT DO NOTHING``, so concurrent creators do not collide).
    Must run inside a transaction.
    """
    pairs = sorted(set(pairs))
    product_ids = sorted(set(product_ids))
    item_ids = sorted(set(item_ids))
    if create and pairs:
        StockItem.objects.bulk_create(
            [StockItem(product_id=p, warehouse_id=w) for p, w in pairs], ignore_conflicts=True
        )
    condition = Q(pk__in=[])
    if product_ids:
        condition |= Q(product_id__in=product_ids)
    if item_ids:
        condition |= Q(pk__in=item_ids)
    if pairs:
        # Products x warehouses of the pairs: a few more rows than asked (warehouses are
        # few) in one short condition; one OR per pair overflows SQLite's expression
        # depth at about a thousand pairs.
        condition |= Q(
            product_id__in={product_id for product_id, _ in pairs},
            warehouse_id__in={warehouse_id for _, warehouse_id in pairs},
        )
    items = (
        StockItem.objects.select_for_update(of=("self",))
        .select_related("product", "warehouse")
        .filter(condition)
        .order_by("pk")
    )
    wanted_pairs, wanted_products, wanted_items = set(pairs), set(product_ids), set(item_ids)
    return {
        (item.product_id, item.warehouse_id): item
        for item in items
        if (item.product_id, item.warehouse_id) in wanted_pairs
        or item.product_id in wanted_products
        or item.pk in wanted_items
    }
