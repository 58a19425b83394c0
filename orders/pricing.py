"""Pricing of an order: pure functions over Decimals (no queries).

The rounding rule (``core.money.money``: half up to cents) is applied at these points,
in this order, and nowhere else:

1. unit price = list or break price x (100 - customer discount %) / 100, rounded (a
   contract price as it is): ``pricing.resolution`` decides which price applies;
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

Amounts are in the order's currency. The shipping costs, the free-shipping threshold
and the first-order hold threshold are settings per currency (``currency_amount``): the
plain setting (``SHIPPING_COST_STANDARD``...) is the EUR figure, ``<NAME>_PLN`` the
PLN one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.money import ZERO, money, percent_of
from pricing.resolution import discounted

from .models import CouponKind, ShippingMethod

#: The settings that hold an amount per currency.
CURRENCY_AMOUNTS = (
    "FREE_SHIPPING_THRESHOLD",
    "SHIPPING_COST_STANDARD",
    "SHIPPING_COST_EXPRESS",
    "AUTO_HOLD_FIRST_ORDER_ABOVE",
)


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


def currency_amount(name: str, currency: str = "EUR") -> Decimal:
    """The setting ``name`` in ``currency``: ``settings.<name>`` for EUR,
    ``settings.<name>_<currency>`` otherwise (never the EUR figure read as another
    currency: a missing one is a configuration error)."""
    key = name if currency == "EUR" else f"{name}_{currency}"
    value = getattr(settings, key, None)
    if value in (None, ""):
        raise ImproperlyConfigured(f"{key} is not set: the {name} figure in {currency}.")
    return Decimal(value)


def unit_price(list_price: Decimal, discount_percent: Decimal) -> Decimal:
    """The customer's net unit price: the list price less their discount %."""
    return discounted(list_price, discount_percent)


def coupon_discount(coupon, subtotal: Decimal) -> Decimal:
    if coupon is None:
        return ZERO
    if coupon.kind == CouponKind.PERCENT:
        return min(percent_of(subtotal, coupon.value), subtotal)
    return min(money(coupon.value), subtotal)


def shipping_cost(method: str, goods_net: Decimal, currency: str = "EUR") -> Decimal:
    """Standard shipping is free from ``FREE_SHIPPING_THRESHOLD`` (net goods after
    discounts); express always costs ``SHIPPING_COST_EXPRESS``; each in ``currency``."""
    if method == ShippingMethod.EXPRESS:
        return money(currency_amount("SHIPPING_COST_EXPRESS", currency))
    if goods_net >= currency_amount("FREE_SHIPPING_THRESHOLD", currency):
        return ZERO
    return money(currency_amount("SHIPPING_COST_STANDARD", currency))


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


def totals_for(
    lines,
    *,
    coupon=None,
    shipping_method: str = ShippingMethod.STANDARD,
    currency: str = "EUR",
) -> Totals:
    """Totals of priced ``lines`` (objects with ``line_total`` and ``vat_rate``) in
    ``currency``."""
    lines = list(lines)
    subtotal = sum((line.line_total for line in lines), ZERO)
    discount = coupon_discount(coupon, subtotal)
    shipping = shipping_cost(shipping_method, subtotal - discount, currency)
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
