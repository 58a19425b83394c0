"""Payments received for an order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.actors import Actor, user_of
from core.money import CENT

from .. import events
from ..errors import InvalidInput
from ..models import Order, Payment, PaymentStatus
from ._common import _lock_for, _past_time, _sync
from .quote import MAX_AMOUNT, _clean_text


def _amount_problem(amount: Decimal) -> str | None:
    if not amount.is_finite():
        return _("Enter an amount, e.g. 125.50.")
    if amount != amount.quantize(CENT):
        return _("At most two decimals.")
    if amount <= 0:
        return _("The amount must be greater than zero.")
    if amount > MAX_AMOUNT:
        return _("The amount is too large.")
    return None


def record_payment(
    *,
    order: Order,
    actor: Actor,
    amount: Decimal,
    paid_at: dt.datetime | None = None,
    reference: str = "",
) -> Payment:
    """Record a payment (> 0, in the order's currency, at most the balance due);
    ``paid_at`` defaults to now, never in the future. Updates the payment status."""
    errors: dict[str, list[str]] = {}
    problem = _amount_problem(amount)
    if problem:
        errors["amount"] = [problem]
    when = _past_time(paid_at, field="paid_at", errors=errors)
    reference = _clean_text(reference, field="reference", max_length=100, errors=errors)
    with transaction.atomic():
        locked = _lock_for("record_payment", order, actor)
        if "amount" not in errors and amount > locked.balance_due:
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
            recorded_by=user_of(actor),
        )
        locked.amount_paid = locked.amount_paid + amount
        locked.payment_status = (
            PaymentStatus.PAID if locked.amount_paid >= locked.total else PaymentStatus.PARTIAL
        )
        locked.save()
        events.order_payment_event(order=locked, actor=actor, payment=payment)
    _sync(order, locked)
    return payment
