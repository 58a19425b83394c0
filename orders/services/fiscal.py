"""Changing the fiscal position of an order before its preparation."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.actors import Actor
from core.fiscal import FiscalPosition, vat_rate_for
from core.money import ZERO, money

from .. import events
from ..errors import InvalidInput
from ..models import Order, OrderLine, PaymentStatus
from ..pricing import vat_breakdown
from ._common import _lock_for, _sync
from .quote import _clean_text

AUDITED = ["fiscal_position", "tax", "total", "payment_status"]


def change_fiscal_position(*, order: Order, actor: Actor, fiscal_position: str, note: str) -> Order:
    """Set the fiscal position of a pending order (customer service, managers), with a
    required note: each line's VAT rate follows the new position and its tax category,
    the tax and total are recomputed (discount and shipping stay), an order event is
    written and the change audited."""
    errors: dict[str, list[str]] = {}
    note = _clean_text(note, field="note", max_length=2000, errors=errors, required=True)
    if fiscal_position not in FiscalPosition.values:
        errors["fiscal_position"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(FiscalPosition.values)}
        ]
    with transaction.atomic():
        locked = _lock_for("change_fiscal_position", order, actor)
        if not errors and fiscal_position == locked.fiscal_position:
            errors["fiscal_position"] = [_("The order already has this fiscal position.")]
        if errors:
            raise InvalidInput(errors)
        before = audit.snapshot(locked, fields=AUDITED)
        previous = locked.fiscal_position
        lines = list(locked.lines.order_by("position"))
        for line in lines:
            line.vat_rate = vat_rate_for(fiscal_position, line.tax_category)
        OrderLine.objects.bulk_update(lines, ["vat_rate"])
        rows = vat_breakdown(lines, discount=locked.discount, shipping=locked.shipping)
        locked.fiscal_position = fiscal_position
        locked.tax = money(sum((row["tax"] for row in rows), ZERO))
        locked.total = money(locked.subtotal - locked.discount + locked.shipping + locked.tax)
        if locked.amount_paid > 0:
            locked.payment_status = (
                PaymentStatus.PAID if locked.amount_paid >= locked.total else PaymentStatus.PARTIAL
            )
        locked.save()
        audit.record_change(actor=actor, instance=locked, before=before, fields=AUDITED)
        events.order_fiscal_position_event(
            order=locked, actor=actor, note=note, from_position=previous
        )
    return _sync(order, locked)
