"""The events the inventory publishes and their payload builders.

``publish`` hands an event to the transactional outbox (``core.outbox.publish``) inside
the caller's transaction. Until that module exists, events are only logged.
"""

import logging

logger = logging.getLogger(__name__)

STOCK_LOW = "stock.low"


def publish(event_type: str, payload: dict) -> None:
    """Publish ``event_type`` through the outbox, in the current transaction."""
    try:
        from core.outbox import publish as outbox_publish
    except ImportError:  # the outbox is not there yet: keep a trace, lose nothing else
        logger.info("outbox missing, event not published: %s %s", event_type, payload)
        return
    outbox_publish(event_type, payload)


def stock_low_payload(item, alert) -> dict:
    """Payload of ``stock.low``: which product, where, and how far below the reorder point."""
    return {
        "alert_id": alert.pk,
        "sku": item.product.sku,
        "product_name": item.product.name,
        "warehouse": item.warehouse.code,
        "on_hand": item.on_hand,
        "reserved": item.reserved,
        "available": item.available,
        "reorder_point": item.reorder_point,
        "reorder_quantity": item.reorder_quantity,
    }
