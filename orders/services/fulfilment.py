"""The order's way through the warehouse: prepare, ship, deliver, cancel."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from customers.models import PaymentTerms
from inventory import services as inventory

from ..checks import preparation_checks
from ..errors import (
    ChecksFailed,
    InvalidInput,
)
from ..models import (
    Carrier,
    Coupon,
    EventKind,
    Order,
    OrderStatus,
)
from ..permissions import customer_cancel_window, is_customer_actor
from ._common import _ensure_allowed, _finish_transition, _lock, _not_now, _sync, _user
from .quote import (
    _clean_text,
)


def prepare_order(*, order: Order, actor, note: str = "") -> Order:
    """pendiente -> en_preparacion: only when not held and the three checks pass."""
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "prepare", locked)
        if locked.status != OrderStatus.PENDIENTE:
            raise _not_now(locked, "prepare")
        if locked.on_hold:
            raise _not_now(
                locked, "prepare", _("The order is on hold: release it before preparing it.")
            )
        checks = preparation_checks(locked)
        if not all(check.passed for check in checks):
            raise ChecksFailed(checks)
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
    """A carrier by code or name, case-insensitive (``seur``, ``SEUR``, ``Correos Express``)."""
    if isinstance(value, Carrier):
        return value
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        return None
    value = value.strip()
    return Carrier.objects.filter(
        Q(code__iexact=value) | Q(name__iexact=value), active=True
    ).first()


def _today() -> dt.date:
    return timezone.localdate()


def _parse_date(value, *, field: str, errors: dict) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors[field] = [_("Enter a date (YYYY-MM-DD).")]
    return None


def _parse_datetime(value, *, field: str, errors: dict) -> dt.datetime | None:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            errors[field] = [_("Enter a date and time (ISO 8601).")]
            return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(12, 0))
    if not isinstance(value, dt.datetime):
        errors[field] = [_("Enter a date and time (ISO 8601).")]
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        errors[field] = [_("Enter a valid date and time.")]
        return None
    if value > timezone.now() + dt.timedelta(seconds=5):
        errors[field] = [_("This cannot be in the future.")]
        return None
    return value


def ship_order(
    *,
    order: Order,
    actor,
    carrier,
    tracking_number: str,
    estimated_delivery,
    note: str = "",
) -> Order:
    """en_preparacion -> enviado with carrier (code or name), tracking number and the
    estimated delivery date (not before today); the reserved stock leaves the warehouse."""
    errors: dict[str, list[str]] = {}
    carrier_obj = resolve_carrier(carrier)
    if carrier_obj is None:
        errors["carrier"] = [_("Unknown carrier: give a configured carrier's code or name.")]
    tracking_number = _clean_text(
        tracking_number, field="tracking_number", max_length=100, errors=errors, required=True
    )
    estimated = _parse_date(estimated_delivery, field="estimated_delivery", errors=errors)
    if estimated is not None and estimated < _today():
        errors["estimated_delivery"] = [_("The estimated delivery cannot be before today.")]
    note = _clean_text(note, field="note", max_length=2000, errors=errors)
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "ship", locked)
        if locked.status != OrderStatus.EN_PREPARACION:
            raise _not_now(locked, "ship")
        if locked.on_hold:
            raise _not_now(locked, "ship", _("The order is on hold: release it before shipping."))
        if errors:
            raise InvalidInput(errors)
        from_status = locked.status
        locked.carrier = carrier_obj
        locked.tracking_number = tracking_number
        locked.estimated_delivery = estimated
        locked.ship()
        inventory.ship(reference_object=locked, user=_user(actor), reference=locked.number)
        _finish_transition(
            locked,
            actor=actor,
            kind=EventKind.SHIPPED,
            from_status=from_status,
            note=note,
            data={
                "carrier": carrier_obj.code,
                "tracking_number": tracking_number,
                "estimated_delivery": estimated.isoformat(),
            },
        )
    return _sync(order, locked)


def deliver_order(*, order: Order, actor, delivered_at=None, note: str = "") -> Order:
    """enviado -> entregado; ``delivered_at`` defaults to now, may be any past time,
    never in the future."""
    errors: dict[str, list[str]] = {}
    when = (
        timezone.now()
        if delivered_at in (None, "")
        else _parse_datetime(delivered_at, field="delivered_at", errors=errors)
    )
    note = _clean_text(note, field="note", max_length=2000, errors=errors)
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "deliver", locked)
        if locked.status != OrderStatus.ENVIADO:
            raise _not_now(locked, "deliver")
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


def cancel_order(*, order: Order, actor, reason: str) -> Order:
    """pendiente or en_preparacion -> cancelado (customers: only while pendiente); the
    reason is required; reserved stock is released and the coupon use given back."""
    errors: dict[str, list[str]] = {}
    reason = _clean_text(reason, field="reason", max_length=1000, errors=errors, required=True)
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "cancel", locked)
        if not can_proceed(locked.cancel, check_conditions=False):
            raise _not_now(locked, "cancel")
        if is_customer_actor(actor) and not customer_cancel_window(locked):
            raise _not_now(
                locked,
                "cancel",
                _("Only pending orders can be cancelled here; please contact us."),
            )
        if errors:
            raise InvalidInput(errors)
        from_status = locked.status
        locked.cancel_reason = reason
        locked.on_hold = False  # nothing left to review on a cancelled order
        locked.cancel()
        inventory.release(
            reference_object=locked,
            user=_user(actor),
            reason=_("Order cancelled"),
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
