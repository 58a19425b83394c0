"""Outbox consumers of the dashboard: a delivery dated on a day the daily summaries
already cover summarises that day again (``dashboard.summaries``), in the consumer's
own transaction, never in the one that delivered the order."""

from __future__ import annotations

from core.outbox import consumer
from orders.events import ORDER_STATUS_CHANGED
from orders.models import Order, OrderStatus

from .summaries import resummarise_delivery


@consumer(ORDER_STATUS_CHANGED, name="dashboard.order_delivered")
def on_order_delivered(event) -> None:
    payload = event.payload
    if payload.get("to") != OrderStatus.ENTREGADO:
        return
    delivered_at = (
        Order.objects.filter(pk=payload.get("order_id"))
        .values_list("delivered_at", flat=True)
        .first()
    )
    if delivered_at is not None:
        resummarise_delivery(delivered_at)
