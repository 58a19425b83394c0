"""Thin Celery tasks around webhooks.services. (The email telling staff a subscription
was disabled is the notifications app's: it consumes ``webhook.subscription_disabled``.)"""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def deliver_webhook(delivery_id: int) -> None:
    """Attempt one delivery (a no-op when it is not due or already being sent)."""
    services.attempt_delivery(delivery_id)


@shared_task
def retry_due_deliveries() -> int:
    """Periodic: send due retries; disable subscriptions failing for days."""
    return services.sweep()
