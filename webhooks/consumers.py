"""Outbox consumers of the webhooks app: every event becomes deliveries."""

from core import outbox

from . import services


@outbox.consumer(outbox.ALL_EVENTS, name="webhooks.enqueue_deliveries")
def enqueue_deliveries(event):
    services.enqueue_deliveries(event)
