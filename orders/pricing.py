"""Pricing of an order: pure functions over Decimals (no queries).

The rounding rule (``core.money.money``: half up to cents) is applied at these points,
in this order, and nowhere else:

1. unit price = list price x (100 - customer discount %) / 100, rounded;
2. line total (net) = unit price x quantity (exact, already in cents);
3. subtotal = sum of line totals;
4. coupon discount = percent of the subtotal, rounded (or the fixed amount, at most
   the subtotal);
5. the discount is shared among the VAT rates in proportion to their net bases
   (each share rounded, the last rate takes the remainder so the shares add up);
6. shipping (net) is taxed at the order's highest VAT rate (it follows the goods);
7. tax = sum over VAT rates of (base after discount [+ shipping]) x rate, rounded per
   rate;
8. total = subtotal - discount + shipping + tax.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from core.money import ZERO, money, percent_of

from .models import CouponKind, ShippingMethod


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    shipping: Decimal
    total: Decimal
    tax_by_rate: dict = field(default_factory=dict)

    def as_dict(self) -> dict[str, Decimal]:
        return {
            "subtotal": self.subtotal,
            "discount": self.discount,
            "tax": self.tax,
            "shipping": self.shipping,
            "total": self.total,
        }


def unit_price(list_price: Decimal, discount_percent: Decimal) -> Decimal:
    """The customer's net unit price: the list price less their discount %."""
    return money(Decimal(list_price) * (Decimal(100) - Decimal(discount_percent)) / Decimal(100))


def coupon_discount(coupon, subtotal: Decimal) -> Decimal:
    if coupon is None:
        return ZERO
    if coupon.kind == CouponKind.PERCENT:
        return min(percent_of(subtotal, coupon.value), subtotal)
    return min(money(coupon.value), subtotal)


def shipping_cost(method: str, goods_net: Decimal) -> Decimal:
    """Standard shipping is free from ``FREE_SHIPPING_THRESHOLD`` (net goods after
    discounts); express always costs ``SHIPPING_COST_EXPRESS``."""
    if method == ShippingMethod.EXPRESS:
        return money(settings.SHIPPING_COST_EXPRESS)
    if goods_net >= Decimal(settings.FREE_SHIPPING_THRESHOLD):
        return ZERO
    return money(settings.SHIPPING_COST_STANDARD)


def vat_breakdown(lines, *, discount: Decimal, shipping: Decimal) -> list[dict]:
    """Base and VAT per rate (the invoice's VAT table and the order's tax): the discount
    is shared across rates in proportion to their bases, the last rate taking the
    remainder; shipping is taxed at the highest rate; VAT is rounded once per rate."""
    bases: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        bases[Decimal(line.vat_rate)] += line.line_total
    subtotal = sum(bases.values(), ZERO)
    rates = sorted(bases)
    remaining = discount
    rows = []
    for index, rate in enumerate(rates):
        last = index == len(rates) - 1
        if last:
            share = remaining
        else:
            share = money(discount * bases[rate] / subtotal) if subtotal else ZERO
            remaining -= share
        base = bases[rate] - share + (shipping if last else ZERO)
        rows.append({"rate": money(rate), "base": money(base), "tax": percent_of(base, rate)})
    return rows


def totals_for(lines, *, coupon=None, shipping_method: str = ShippingMethod.STANDARD) -> Totals:
    """Totals of priced ``lines`` (objects with ``line_total`` and ``vat_rate``)."""
    lines = list(lines)
    subtotal = sum((line.line_total for line in lines), ZERO)
    discount = coupon_discount(coupon, subtotal)
    shipping = shipping_cost(shipping_method, subtotal - discount)
    tax_by_rate = {
        row["rate"]: row["tax"]
        for row in vat_breakdown(lines, discount=discount, shipping=shipping)
    }
    tax = sum(tax_by_rate.values(), ZERO)
    return Totals(
        subtotal=money(subtotal),
        discount=money(discount),
        tax=money(tax),
        shipping=money(shipping),
        total=money(subtotal - discount + shipping + tax),
        tax_by_rate=tax_by_rate,
    )
