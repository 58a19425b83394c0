"""Celery beat tasks of complaints: thin and idempotent, calling the services."""

from celery import shared_task

from . import services


@shared_task
def check_deadlines() -> dict:
    """Warn of clocks passing today and legal deadlines about to pass; escalate each
    passed clock once (``complaints.services.check_deadlines``)."""
    return services.check_deadlines()
