"""Holding an order for review, releasing it, and staff notes on its timeline."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events
from ..errors import (
    InvalidInput,
)
from ..models import (
    Order,
    OrderStatus,
)
from ._common import _ensure_allowed, _lock, _not_now, _sync
from .quote import (
    _clean_text,
)

# --- holds, payments, notes --------------------------------------------------------------


def hold_order(*, order: Order, actor, note: str) -> Order:
    """Hold an open (pending or in preparation) order for review, with a note."""
    errors: dict[str, list[str]] = {}
    note = _clean_text(note, field="note", max_length=2000, errors=errors, required=True)
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "hold", locked)
        if locked.status not in (OrderStatus.PENDIENTE, OrderStatus.EN_PREPARACION):
            raise _not_now(locked, "hold")
        if locked.on_hold:
            raise _not_now(locked, "hold", _("The order is already on hold."))
        if errors:
            raise InvalidInput(errors)
        locked.on_hold = True
        locked.hold_reason = note
        locked.save()
        events.order_held_event(order=locked, actor=actor, note=note, automatic=False)
        events.publish(
            events.ORDER_HELD,
            events.held_payload(locked, reasons=[note], automatic=False, actor=actor),
        )
    return _sync(order, locked)


def release_order(*, order: Order, actor, note: str) -> Order:
    """Release a held order with a note; it may then enter preparation."""
    errors: dict[str, list[str]] = {}
    note = _clean_text(note, field="note", max_length=2000, errors=errors, required=True)
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "release", locked)
        if not locked.on_hold:
            raise _not_now(locked, "release", _("The order is not on hold."))
        if errors:
            raise InvalidInput(errors)
        locked.on_hold = False
        locked.save()
        events.order_released_event(order=locked, actor=actor, note=note)
    return _sync(order, locked)


def add_order_note(*, order: Order, actor, note: str, customer_visible: bool = False):
    """A staff note on the order's timeline (optionally shown to the customer)."""
    errors: dict[str, list[str]] = {}
    note = _clean_text(note, field="note", max_length=2000, errors=errors, required=True)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "add_note", locked)
        Order.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
        return events.order_note_event(
            order=locked, actor=actor, note=note, customer_visible=bool(customer_visible)
        )
