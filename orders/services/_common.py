"""What every order transition shares: the row lock, the permission check, the
event row and outbox event, and the copy back into the caller's instance."""

from __future__ import annotations

from core.models import ApiKey

from .. import events
from ..errors import (
    NotAllowed,
    TransitionNotAllowed,
)
from ..models import (
    Order,
)
from ..permissions import ACTION_LABELS, allowed


def _user(actor):
    if actor is None or isinstance(actor, ApiKey) or not getattr(actor, "pk", None):
        return None
    return actor


def _lock(order: Order) -> Order:
    """The order re-read under a row lock (its state may have changed meanwhile)."""
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("company", "carrier", "placed_by", "coupon")
        .get(pk=order.pk)
    )


def _ensure_allowed(actor, action: str, order: Order) -> None:
    if not allowed(actor, action, order=order):
        raise NotAllowed()


def _not_now(order: Order, action: str, message=None) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        action=str(ACTION_LABELS[action]),
        status=str(order.get_status_display()),
        message=message,
    )


def _finish_transition(order: Order, *, actor, kind: str, from_status: str, note="", data=None):
    order.save()
    events.order_status_event(
        order=order, actor=actor, kind=kind, from_status=from_status, note=note, data=data
    )
    events.publish(
        events.ORDER_STATUS_CHANGED,
        events.status_changed_payload(order, from_status=from_status, actor=actor, note=note),
    )


def _sync(target: Order, source: Order) -> Order:
    """Copy the locked, changed row's state into the caller's instance."""
    target.__dict__.update(
        {k: v for k, v in source.__dict__.items() if not k.startswith("_") or k == "_state"}
    )
    target._update_initial_state()
    return target
