"""Celery beat tasks of returns: thin and idempotent, calling the services."""

from celery import shared_task

from . import services


@shared_task
def expire_returns() -> dict:
    """Remind once, then expire the authorized returns whose goods never arrived."""
    return services.remind_and_expire()


@shared_task
def evaluate_abuse() -> int:
    """The nightly re-evaluation of the returns abuse watch."""
    return services.evaluate_all_abuse()
