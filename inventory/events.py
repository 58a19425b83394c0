"""The events the inventory publishes and their payload builders."""

from core import outbox

from . import i18n

STOCK_LOW = "stock.low"
#: Goods received into a warehouse (internal: backorders are reserved from it).
STOCK_RECEIVED = "stock.received"


def publish(event_type: str, payload: dict) -> None:
    """Publish ``event_type`` through the transactional outbox, in the current transaction."""
    outbox.publish(event_type, payload)


def stock_low_payload(item, alert) -> dict:
    """Payload of ``stock.low``: which product, where, and how far below the reorder point.
    The product name is the Spanish one (the default language), whoever's request
    crossed the point: a payload does not depend on the reader."""
    return {
        "alert_id": alert.pk,
        "sku": item.product.sku,
        "product_name": i18n.text_in(item.product, "name", i18n.DEFAULT_LANGUAGE),
        "warehouse": item.warehouse.code,
        "on_hand": item.on_hand,
        "reserved": item.reserved,
        "available": item.available,
        "reorder_point": item.reorder_point,
        "reorder_quantity": item.reorder_quantity,
    }


def stock_received_payload(movements) -> dict:
    """Payload of ``stock.received``: the products received (ids) and the movements."""
    return {
        "product_ids": sorted({m.stock_item.product_id for m in movements}),
        "movement_ids": [m.pk for m in movements],
    }
