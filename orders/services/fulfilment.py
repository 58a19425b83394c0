"""The order's way through the warehouse: prepare, ship, deliver, cancel."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.messages import Msg
from customers.models import PaymentTerms
from inventory import services as inventory

from ..errors import InvalidInput
from ..models import Carrier, Coupon, EventKind, Order
from ._common import _finish_transition, _lock_for, _past_time, _sync
from .quote import _clean_text


def prepare_order(*, order: Order, actor: Actor, note: str = "") -> Order:
    """pendiente -> en_preparacion: only when not held and the three checks pass (the
    checks are evaluated once: the registry's answer and the transition share them)."""
    errors: dict[str, list[str]] = {}
    note = _clean_text(note, field="note", max_length=2000, errors=errors)
    with transaction.atomic():
        locked = _lock_for("prepare", order, actor)
        if errors:
            raise InvalidInput(errors)
        from_status = locked.status
        locked.prepare()
        if locked.company.payment_terms != PaymentTerms.PREPAID:
            locked.payment_due = timezone.localdate() + dt.timedelta(
                days=locked.company.payment_terms_days
            )
        _finish_transition(
            locked, actor=actor, kind=EventKind.PREPARED, from_status=from_status, note=note
        )
    return _sync(order, locked)


def resolve_carrier(value) -> Carrier | None:
    """An active carrier by code or name, case-insensitive (``seur``, ``Correos Express``):
    for the faces, which turn what was typed into a ``Carrier``."""
    if isinstance(value, Carrier):
        return value
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        return None
    value = value.strip()
    return Carrier.objects.filter(
        Q(code__iexact=value) | Q(name__iexact=value), active=True
    ).first()


def ship_order(
    *,
    order: Order,
    actor: Actor,
    carrier: Carrier,
    tracking_number: str,
    estimated_delivery: dt.date,
    note: str = "",
) -> Order:
    """en_preparacion -> enviado with an active carrier, a tracking number and the
    estimated delivery date (not before today); the reserved stock leaves the warehouse."""
    errors: dict[str, list[str]] = {}
    if not isinstance(carrier, Carrier) or not carrier.active:
        errors["carrier"] = [_("Unknown carrier: give a configured carrier's code or name.")]
    tracking_number = _clean_text(
        tracking_number, field="tracking_number", max_length=100, errors=errors, required=True
    )
    if estimated_delivery < timezone.localdate():
        errors["estimated_delivery"] = [_("The estimated delivery cannot be before today.")]
    note = _clean_text(note, field="note", max_length=2000, errors=errors)
    with transaction.atomic():
        locked = _lock_for("ship", order, actor)
        if errors:
            raise InvalidInput(errors)
        from_status = locked.status
        locked.carrier = carrier
        locked.tracking_number = tracking_number
        locked.estimated_delivery = estimated_delivery
        locked.ship()
        inventory.ship(reference_object=locked, actor=actor, reference=locked.number)
        _finish_transition(
            locked,
            actor=actor,
            kind=EventKind.SHIPPED,
            from_status=from_status,
            note=note,
            data={
                "carrier": carrier.code,
                "tracking_number": tracking_number,
                "estimated_delivery": estimated_delivery.isoformat(),
            },
        )
    return _sync(order, locked)


def deliver_order(
    *, order: Order, actor: Actor, delivered_at: dt.datetime | None = None, note: str = ""
) -> Order:
    """enviado -> entregado; ``delivered_at`` defaults to now, may be any past time,
    never in the future."""
    errors: dict[str, list[str]] = {}
    when = _past_time(delivered_at, field="delivered_at", errors=errors)
    note = _clean_text(note, field="note", max_length=2000, errors=errors)
    with transaction.atomic():
        locked = _lock_for("deliver", order, actor)
        if errors:
            raise InvalidInput(errors)
        from_status = locked.status
        locked.delivered_at = when
        locked.deliver()
        _finish_transition(
            locked,
            actor=actor,
            kind=EventKind.DELIVERED,
            from_status=from_status,
            note=note,
            data={"delivered_at": when.isoformat()},
        )
    return _sync(order, locked)


def cancel_order(*, order: Order, actor: Actor, reason: str) -> Order:
    """pendiente or en_preparacion -> cancelado (customers: only while pendiente); the
    reason is required; reserved stock is released and the coupon use given back."""
    errors: dict[str, list[str]] = {}
    reason = _clean_text(reason, field="reason", max_length=1000, errors=errors, required=True)
    with transaction.atomic():
        locked = _lock_for("cancel", order, actor)
        if errors:
            raise InvalidInput(errors)
        from_status = locked.status
        locked.cancel_reason = reason
        locked.on_hold = False  # nothing left to review on a cancelled order
        locked.cancel()
        inventory.release(
            reference_object=locked,
            actor=actor,
            reason=Msg("stock.order_cancelled"),
            reference=locked.number,
        )
        if locked.coupon_id:
            Coupon.objects.filter(pk=locked.coupon_id, times_used__gt=0).update(
                times_used=F("times_used") - 1
            )
        _finish_transition(
            locked, actor=actor, kind=EventKind.CANCELLED, from_status=from_status, note=reason
        )
    return _sync(order, locked)
