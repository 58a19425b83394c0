"""Complaints react to the business calendar: a closure day added, moved or removed
changes the deadlines counted in working time, so every open complaint's clocks are
computed again from their history (``core.calendar.CLOSURES_CHANGED``)."""

from __future__ import annotations

from core import outbox
from core.calendar import CLOSURES_CHANGED


@outbox.consumer(CLOSURES_CHANGED, name="complaints.refresh_clocks")
def refresh_clocks_on_closure_change(event):
    from .services import refresh_clocks

    refresh_clocks()
