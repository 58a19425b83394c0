"""Document numbers: ``<SERIES>-<YEAR>-<000123>``, sequential per series and year.

A counter row per (series, year) is locked (``SELECT ... FOR UPDATE``) and incremented
in the caller's transaction: two transactions never get the same number, and a rollback
gives the number back (no gaps for invoices that roll back).

The ``SequenceCounter`` model lives in the ``orders`` app for now (the core app had a
migration in flight when numbering was added); it is looked up through the app
registry so callers only ever import this module.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection
from django.utils import timezone


def _counter_model():
    return apps.get_model("orders", "SequenceCounter")


def format_number(series: str, year: int, value: int, *, width: int = 6) -> str:
    return f"{series}-{year}-{value:0{width}d}"


def next_number(series: str, *, year: int | None = None, width: int = 6) -> str:
    """Take the next number of ``series`` for ``year`` (default: this year, local time).

    Must run inside a transaction (the lock lasts until it commits).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("next_number() must run inside a transaction")
    year = year or timezone.localdate().year
    counter_model = _counter_model()
    # Create the row once (concurrent creators do not collide), then lock it.
    counter_model.objects.bulk_create(
        [counter_model(series=series, year=year, last_value=0)], ignore_conflicts=True
    )
    counter = counter_model.objects.select_for_update().get(series=series, year=year)
    counter.last_value += 1
    counter_model.objects.filter(pk=counter.pk).update(last_value=counter.last_value)
    return format_number(series, year, counter.last_value, width=width)
