"""Low-stock alerts: one alert per crossing below the reorder point, and the daily sweep."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from .. import events
from ..locks import lock_stock_items
from ..models import LowStockAlert, StockItem


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
