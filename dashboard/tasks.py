"""Celery tasks of the dashboard: thin and idempotent."""

from __future__ import annotations

from celery import shared_task

from .summaries import summarise_deliveries as summarise


@shared_task
def summarise_deliveries() -> int:
    """The nightly daily summaries: every day up to yesterday not summarised yet."""
    return summarise()
