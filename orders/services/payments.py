"""Payments received for an order."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import CENT

from .. import events
from ..errors import (
    InvalidInput,
)
from ..models import (
    Order,
    OrderStatus,
    Payment,
    PaymentStatus,
)
from ._common import _ensure_allowed, _lock, _not_now, _sync, _user
from .fulfilment import _parse_datetime
from .quote import (
    MAX_AMOUNT,
    _clean_text,
)


def _parse_amount(value, errors: dict) -> Decimal | None:
    if isinstance(value, bool | float):
        amount = None
    else:
        try:
            amount = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            amount = None
    if amount is None or not amount.is_finite():
        errors["amount"] = [_("Enter an amount, e.g. 125.50.")]
        return None
    if amount != amount.quantize(CENT):
        errors["amount"] = [_("At most two decimals.")]
        return None
    if amount <= 0:
        errors["amount"] = [_("The amount must be greater than zero.")]
        return None
    if amount > MAX_AMOUNT:
        errors["amount"] = [_("The amount is too large.")]
        return None
    return amount.quantize(CENT)


def record_payment(*, order: Order, actor, amount, paid_at=None, reference: str = "") -> Payment:
    """Record a payment (> 0, in the order's currency, at most the balance due);
    ``paid_at`` defaults to now, never in the future. Updates the payment status."""
    errors: dict[str, list[str]] = {}
    amount = _parse_amount(amount, errors)
    when = (
        timezone.now()
        if paid_at in (None, "")
        else _parse_datetime(paid_at, field="paid_at", errors=errors)
    )
    reference = _clean_text(reference, field="reference", max_length=100, errors=errors)
    with transaction.atomic():
        locked = _lock(order)
        _ensure_allowed(actor, "record_payment", locked)
        if locked.status == OrderStatus.CANCELADO:
            raise _not_now(locked, "record_payment")
        if amount is not None and amount > locked.balance_due:
            errors["amount"] = [
                _("More than the balance due (%(due)s %(currency)s).")
                % {"due": locked.balance_due, "currency": locked.currency}
            ]
        if errors:
            raise InvalidInput(errors)
        payment = Payment.objects.create(
            order=locked,
            amount=amount,
            paid_at=when,
            reference=reference,
            recorded_by=_user(actor),
        )
        locked.amount_paid = locked.amount_paid + amount
        locked.payment_status = (
            PaymentStatus.PAID if locked.amount_paid >= locked.total else PaymentStatus.PARTIAL
        )
        locked.save()
        events.order_payment_event(order=locked, actor=actor, payment=payment)
    _sync(order, locked)
    return payment
