"""Backorders: units of an order line placed beyond the stock (``backordered_quantity``,
the company allowing it) are reserved first when stock arrives, oldest order first.

``inventory`` sits below ``orders`` and does not know about orders: a receipt publishes
``stock.received`` through the outbox, and the consumer here, in its own transaction,
reserves what it can for the waiting lines of open orders."""

from __future__ import annotations

from core import outbox

STOCK_RECEIVED = "stock.received"


@outbox.consumer(STOCK_RECEIVED, name="orders.fill_backorders")
def fill_backorders_on_receipt(event):
    from .services.backorders import fill_backorders

    fill_backorders(product_ids=event.payload.get("product_ids", []))
