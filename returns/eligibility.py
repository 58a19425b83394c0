"""Whether the lines of a return may be returned, and why: one function for the portal,
the back-office and the API (``check_eligibility``).

Each line gets a ``LineVerdict`` with a machine ``code`` and the figures behind it
(``params``); ``explain`` turns them into a sentence in the active language, so the
answer stored on a return line (``ReturnLine.eligibility``) reads in each reader's
language ("Accepted: delivered 12 days ago, Electronics allow 14 days.").

Rules, in order:

1. the SKU is a line of the order and the quantity a whole number of at least 1;
2. the order has been delivered;
3. the reason is a known, active ``ReturnReason``;
4. the quantity is not above the delivered quantity less the units already asked for
   in the order's other returns that were not rejected or cancelled (after receipt,
   what arrived counts instead of what was asked);
5. change-of-mind reasons (``applies_category_policy``): the category must accept
   returns and the category's window (days from the delivery date in the company's
   time zone, last day included) must still be open; seller-fault reasons: the
   reason's notice window from delivery instead, whatever the category says.

Refusals of rules 5 may be overridden by staff with a note (``OVERRIDABLE``); a
quantity above what was delivered never can.

The creating service runs this under the order's row lock (``returns.services``), so
two concurrent requests over the same units cannot together exceed them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.calendar import time_zone
from orders.models import Order, OrderLine, OrderStatus

from .models import CLOSED_WITHOUT_GOODS, ReturnLine, ReturnReason

ACCEPTED = "accepted"
ACCEPTED_NOTICE = "accepted_notice"
OVERRIDDEN = "overridden"
NOT_DELIVERED = "not_delivered"
UNKNOWN_SKU = "unknown_sku"
BAD_QUANTITY = "bad_quantity"
UNKNOWN_REASON = "unknown_reason"
DUPLICATE_SKU = "duplicate_sku"
QUANTITY_EXCEEDED = "quantity_exceeded"
NOT_RETURNABLE = "not_returnable"
WINDOW_CLOSED = "window_closed"
NOTICE_CLOSED = "notice_closed"

#: Refusals staff may override with a note.
OVERRIDABLE = (NOT_RETURNABLE, WINDOW_CLOSED, NOTICE_CLOSED)
MAX_QUANTITY = 100_000


def company_time_zone(company) -> dt.tzinfo:
    """The company's country decides its time zone (Madrid for ES, Warsaw for PL): the
    delivery day is the buyer's day."""
    return time_zone(getattr(company, "country", None) or None)


def delivery_date(order: Order) -> dt.date | None:
    """The day the order was delivered, in the company's time zone."""
    if order.delivered_at is None:
        return None
    return timezone.localtime(order.delivered_at, company_time_zone(order.company)).date()


def today_for(company, at: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(at or timezone.now(), company_time_zone(company)).date()


def _date(value: str) -> str:
    return formats.date_format(dt.date.fromisoformat(value), "d/m/Y")


def explain(data: Mapping[str, Any]) -> str:
    """The sentence for a verdict's ``{"code", "params"}``, in the active language."""
    code = data.get("code", "")
    p = dict(data.get("params") or {})
    if "closed_on" in p:
        p["closed_on"] = _date(p["closed_on"])
    if "reason" in p:
        p["reason"] = str(_reason_label(p["reason"]))
    if code == ACCEPTED:
        return (
            ngettext(
                "Accepted: delivered %(days)d day ago, %(category)s allow %(window)d days.",
                "Accepted: delivered %(days)d days ago, %(category)s allow %(window)d days.",
                p["days"],
            )
            % p
        )
    if code == ACCEPTED_NOTICE:
        return (
            ngettext(
                "Accepted: delivered %(days)d day ago; “%(reason)s” may be reported within "
                "%(window)d days of delivery.",
                "Accepted: delivered %(days)d days ago; “%(reason)s” may be reported within "
                "%(window)d days of delivery.",
                p["days"],
            )
            % p
        )
    if code == OVERRIDDEN:
        return _("Accepted by staff despite the policy: %(note)s") % p
    if code == NOT_DELIVERED:
        return _("Refused: order %(order)s has not been delivered yet.") % p
    if code == UNKNOWN_SKU:
        return _("Refused: %(sku)s is not a line of order %(order)s.") % p
    if code == BAD_QUANTITY:
        return _("Refused: the quantity must be a whole number of at least 1.")
    if code == UNKNOWN_REASON:
        return _("Refused: choose one of the reasons: %(choices)s.") % p
    if code == DUPLICATE_SKU:
        return _("Refused: %(sku)s is listed twice; give it once.") % p
    if code == QUANTITY_EXCEEDED:
        return (
            _(
                "Refused: %(requested)d requested, but %(already)d already returned of "
                "%(delivered)d delivered."
            )
            % p
        )
    if code == NOT_RETURNABLE:
        return _("Refused: %(category)s are not returnable.") % p
    if code == WINDOW_CLOSED:
        return (
            _("Refused: %(category)s allow %(window)d days; the window closed on %(closed_on)s.")
            % p
        )
    if code == NOTICE_CLOSED:
        return (
            _(
                "Refused: “%(reason)s” must be reported within %(window)d days of delivery; "
                "the window closed on %(closed_on)s."
            )
            % p
        )
    return code


def _reason_label(code: str):
    reason = ReturnReason.objects.filter(code=code).first()
    return reason.label if reason is not None else code


@dataclass
class LineVerdict:
    """The answer for one requested line."""

    index: int
    sku: str
    quantity: int | None
    eligible: bool
    code: str
    params: dict = field(default_factory=dict)
    order_line: OrderLine | None = None
    reason: ReturnReason | None = None
    comment: str = ""

    @property
    def overridable(self) -> bool:
        return not self.eligible and self.code in OVERRIDABLE

    def as_data(self) -> dict:
        return {"eligible": self.eligible, "code": self.code, "params": self.params}

    @property
    def explanation(self) -> str:
        return explain(self.as_data())


def _quantity(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def already_requested(order_line_ids, *, exclude_return_id=None) -> dict[int, int]:
    """Units of each order line held by the order's returns that were not rejected or
    cancelled (what arrived once received, else what was asked)."""
    rows = (
        ReturnLine.objects.filter(order_line_id__in=list(order_line_ids))
        .exclude(ret__status__in=CLOSED_WITHOUT_GOODS)
        .exclude(ret_id=exclude_return_id)
        .values("order_line_id")
        .annotate(units=Sum(Coalesce(F("received_quantity"), F("quantity"))))
    )
    return {row["order_line_id"]: row["units"] or 0 for row in rows}


def check_eligibility(
    *,
    order: Order,
    lines: Sequence[Mapping[str, Any]],
    at: dt.datetime | None = None,
    exclude_return_id: int | None = None,
) -> list[LineVerdict]:
    """One verdict per requested line ``{"sku", "quantity", "reason", "comment"?}``, in
    the order given; nothing is written."""
    order_lines = {
        line.sku.upper(): line
        for line in order.lines.select_related("product__category").order_by("position")
    }
    reasons = {reason.code: reason for reason in ReturnReason.objects.filter(active=True)}
    held = already_requested(
        [line.pk for line in order_lines.values()], exclude_return_id=(exclude_return_id)
    )
    delivered_on = delivery_date(order)
    today = today_for(order.company, at)
    seen: dict[int, int] = {}
    verdicts: list[LineVerdict] = []
    for index, raw in enumerate(lines):
        raw = raw if isinstance(raw, Mapping) else {}
        sku = raw.get("sku") if isinstance(raw.get("sku"), str) else ""
        sku = sku.strip()
        quantity = _quantity(raw.get("quantity"))
        comment = raw.get("comment") if isinstance(raw.get("comment"), str) else ""
        verdict = LineVerdict(
            index=index, sku=sku, quantity=quantity, eligible=False, code="", comment=comment
        )
        verdicts.append(verdict)
        order_line = order_lines.get(sku.upper())
        if order_line is None:
            verdict.code, verdict.params = UNKNOWN_SKU, {"sku": sku, "order": order.number}
            continue
        verdict.sku, verdict.order_line = order_line.sku, order_line
        if quantity is None or quantity < 1 or quantity > MAX_QUANTITY:
            verdict.code = BAD_QUANTITY
            continue
        if order_line.pk in seen:
            verdict.code, verdict.params = DUPLICATE_SKU, {"sku": order_line.sku}
            continue
        seen[order_line.pk] = index
        if order.status != OrderStatus.ENTREGADO or delivered_on is None:
            verdict.code, verdict.params = NOT_DELIVERED, {"order": order.number}
            continue
        code = raw.get("reason")
        reason = reasons.get(code) if isinstance(code, str) else None
        if reason is None:
            verdict.code = UNKNOWN_REASON
            verdict.params = {"choices": ", ".join(sorted(reasons))}
            continue
        verdict.reason = reason
        already = held.get(order_line.pk, 0)
        if quantity > order_line.quantity - already:
            verdict.code = QUANTITY_EXCEEDED
            verdict.params = {
                "requested": quantity,
                "already": already,
                "delivered": order_line.quantity,
            }
            continue
        days = (today - delivered_on).days
        category = order_line.product.category
        if reason.applies_category_policy:
            if not category.returnable:
                verdict.code, verdict.params = NOT_RETURNABLE, {"category": category.name}
                continue
            window = category.return_window_days
            closes = delivered_on + dt.timedelta(days=window)
            if today > closes:
                verdict.code = WINDOW_CLOSED
                verdict.params = {
                    "category": category.name,
                    "window": window,
                    "closed_on": closes.isoformat(),
                }
                continue
            verdict.code = ACCEPTED
            verdict.params = {"days": days, "category": category.name, "window": window}
        else:
            window = reason.notice_window_days
            closes = delivered_on + dt.timedelta(days=window)
            if today > closes:
                verdict.code = NOTICE_CLOSED
                verdict.params = {
                    "reason": reason.code,
                    "window": window,
                    "closed_on": closes.isoformat(),
                }
                continue
            verdict.code = ACCEPTED_NOTICE
            verdict.params = {"days": days, "reason": reason.code, "window": window}
        verdict.eligible = True
    return verdicts
