"""Outbox consumers of the webhooks app: every event an ERP can subscribe to becomes
deliveries. Internal events (``customer_user.invited``, ``webhook.subscription_disabled``
...) are never offered nor delivered: only the types in ``webhooks.events.EventType``."""

from core import outbox

from . import services
from .events import EventType


@outbox.consumer(outbox.ALL_EVENTS, name="webhooks.enqueue_deliveries")
def enqueue_deliveries(event):
    if event.event_type not in EventType.values:
        return
    services.enqueue_deliveries(event)
