"""Celery tasks of the inventory: thin and idempotent. (The low-stock email is the
notifications app's: it consumes ``stock.low``.)"""

from celery import shared_task

from . import services


@shared_task
def sweep_low_stock() -> dict:
    """Daily: alert missed crossings and clear stale flags."""
    return services.sweep_low_stock()
