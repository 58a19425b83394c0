"""Holding an order for review, releasing it, and staff notes on its timeline."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.actors import Actor

from .. import events
from ..errors import InvalidInput
from ..models import Order, OrderEvent
from ._common import _lock_for, _sync
from .quote import _clean_text


def hold_order(*, order: Order, actor: Actor, note: str) -> Order:
    """Hold an open (pending or in preparation) order for review, with a note."""
    errors: dict[str, list[str]] = {}
    note = _clean_text(note, field="note", max_length=2000, errors=errors, required=True)
    with transaction.atomic():
        locked = _lock_for("hold", order, actor)
        if errors:
            raise InvalidInput(errors)
        locked.on_hold = True
        locked.hold_reason = note
        locked.hold_messages = []
        locked.save()
        events.order_held_event(order=locked, actor=actor, note=note, automatic=False)
        events.publish(
            events.ORDER_HELD,
            events.held_payload(locked, reasons=[note], automatic=False, actor=actor),
        )
    return _sync(order, locked)


def release_order(*, order: Order, actor: Actor, note: str) -> Order:
    """Release a held order with a note; it may then enter preparation."""
    errors: dict[str, list[str]] = {}
    note = _clean_text(note, field="note", max_length=2000, errors=errors, required=True)
    with transaction.atomic():
        locked = _lock_for("release", order, actor)
        if errors:
            raise InvalidInput(errors)
        locked.on_hold = False
        locked.save()
        events.order_released_event(order=locked, actor=actor, note=note)
    return _sync(order, locked)


def add_order_note(
    *, order: Order, actor: Actor, note: str, customer_visible: bool = False
) -> OrderEvent:
    """A staff note on the order's timeline (optionally shown to the customer)."""
    errors: dict[str, list[str]] = {}
    note = _clean_text(note, field="note", max_length=2000, errors=errors, required=True)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        locked = _lock_for("add_note", order, actor)
        Order.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
        return events.order_note_event(
            order=locked, actor=actor, note=note, customer_visible=bool(customer_visible)
        )
