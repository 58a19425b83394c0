"""What every order action shares: the row lock and the one question to the action
registry (role, state, guards), the event row and outbox event, and the copy back
into the caller's instance."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events
from ..actions import registry
from ..models import Order

#: Seconds of clock skew allowed before a time counts as "in the future".
FUTURE_TOLERANCE = dt.timedelta(seconds=5)


def _lock(order: Order) -> Order:
    """The order re-read under a row lock (its state may have changed meanwhile)."""
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("company", "carrier", "placed_by", "coupon")
        .get(pk=order.pk)
    )


def _lock_for(action: str, order: Order, actor) -> Order:
    """Lock the order, then ask the registry once: may ``actor`` do ``action`` on it
    now? Raises ``NotAllowed``, ``TransitionNotAllowed`` or ``ChecksFailed``."""
    locked = _lock(order)
    registry.ensure(action, locked, actor)
    return locked


def _finish_transition(
    order: Order, *, actor, kind: str, from_status: str, note="", data=None, extra=None
):
    """Save the transition, record it on the order and publish ``order.status_changed``
    (``extra``: fields added to the event's payload)."""
    order.save()
    events.order_status_event(
        order=order, actor=actor, kind=kind, from_status=from_status, note=note, data=data
    )
    payload = events.status_changed_payload(order, from_status=from_status, actor=actor, note=note)
    events.publish(events.ORDER_STATUS_CHANGED, {**payload, **(extra or {})})


def _sync(target: Order, source: Order) -> Order:
    """Copy the locked, changed row's state into the caller's instance."""
    target.__dict__.update(
        {k: v for k, v in source.__dict__.items() if not k.startswith("_") or k == "_state"}
    )
    target.forget_checklist()
    target._update_initial_state()
    return target


def _past_time(value: dt.datetime | None, *, field: str, errors: dict) -> dt.datetime:
    """``value`` (now when None) as an aware time that is not in the future."""
    if value is None:
        return timezone.now()
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + FUTURE_TOLERANCE:
        errors[field] = [_("This cannot be in the future.")]
    return value
