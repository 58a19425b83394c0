"""What a return gives back: pure functions over Decimals (no queries, no writes).

A refund equals what was paid for the accepted units:

1. goods: the order line's unit price (the list price after the company discount, as
   invoiced) x accepted units, per line;
2. the coupon: the order's discount x credited goods / order subtotal, rounded once
   (the whole order returned: exactly the order's discount);
3. the restocking fee (change-of-mind lines only): the category's % of what was paid
   for the line's units (goods less the line's coupon share), rounded per line; it is
   its own line on the credit note and reduces the base of its VAT rate;
4. shipping: the outbound shipping only when every unit of the order is returned for
   the seller's fault; the return postage the buyer paid when the seller pays it and
   staff recorded a cost at receipt; taxed at the highest rate, as on the invoice;
5. the coupon is shared across the VAT rates as on the invoice (``vat_breakdown``);
   VAT per rate is rounded once.

Amounts here are positive (what the customer gets back); the credit note negates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core.money import ZERO, money, percent_of
from orders.pricing import vat_breakdown


@dataclass(frozen=True)
class CreditedGoods:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    vat_rate: Decimal
    restocking_fee_percent: Decimal = ZERO  # 0 when the fee does not apply

    @property
    def line_total(self) -> Decimal:
        return money(self.unit_price * self.quantity)


@dataclass(frozen=True)
class CreditLine:
    sku: str
    description: str
    quantity: int
    unit_price: Decimal
    vat_rate: Decimal
    net_amount: Decimal  # goods positive; a fee negative (it reduces the refund)
    is_fee: bool = False


@dataclass(frozen=True)
class Refund:
    lines: list[CreditLine]
    subtotal: Decimal  # goods less fees
    discount: Decimal  # the coupon share of the credited goods (reduces the refund)
    shipping: Decimal
    tax: Decimal
    total: Decimal
    tax_breakdown: list[dict] = field(default_factory=list)

    @property
    def restocking_fees(self) -> Decimal:
        return sum((-line.net_amount for line in self.lines if line.is_fee), ZERO)


@dataclass(frozen=True)
class _Taxable:
    line_total: Decimal
    vat_rate: Decimal


def compute_refund(
    *,
    goods: list[CreditedGoods],
    order_subtotal: Decimal,
    order_discount: Decimal,
    whole_order: bool,
    outbound_shipping: Decimal = ZERO,
    return_shipping: Decimal = ZERO,
    fee_label: str = "Restocking fee",
) -> Refund:
    """The refund of ``goods`` (see the module docstring); ``whole_order``: every unit
    of the order is credited (the coupon share is then the order's discount)."""
    goods = [item for item in goods if item.quantity > 0]
    credited = sum((item.line_total for item in goods), ZERO)
    if whole_order or credited == order_subtotal:
        share = money(order_discount)
    elif order_subtotal:
        share = money(order_discount * credited / order_subtotal)
    else:
        share = ZERO
    lines: list[CreditLine] = []
    fees_by_rate: dict[Decimal, Decimal] = {}
    for item in goods:
        lines.append(
            CreditLine(
                sku=item.sku,
                description=item.name,
                quantity=item.quantity,
                unit_price=item.unit_price,
                vat_rate=item.vat_rate,
                net_amount=item.line_total,
            )
        )
    for item in goods:
        if not item.restocking_fee_percent:
            continue
        line_share = (
            money(order_discount * item.line_total / order_subtotal) if (order_subtotal) else ZERO
        )
        fee = percent_of(item.line_total - line_share, item.restocking_fee_percent)
        if fee <= 0:
            continue
        rate = money(item.vat_rate)
        fees_by_rate[rate] = fees_by_rate.get(rate, ZERO) + fee
        lines.append(
            CreditLine(
                sku=item.sku,
                description=f"{fee_label} {money(item.restocking_fee_percent)}% · {item.sku}",
                quantity=-1,
                unit_price=fee,
                vat_rate=item.vat_rate,
                net_amount=-fee,
                is_fee=True,
            )
        )
    shipping = money(outbound_shipping) + money(return_shipping)
    rows = vat_breakdown(
        [_Taxable(item.line_total, item.vat_rate) for item in goods],
        discount=share,
        shipping=shipping,
    )
    breakdown = []
    for row in rows:
        base = row["base"] - fees_by_rate.get(row["rate"], ZERO)
        breakdown.append({"rate": row["rate"], "base": base, "tax": percent_of(base, row["rate"])})
    tax = sum((row["tax"] for row in breakdown), ZERO)
    subtotal = sum((line.net_amount for line in lines), ZERO)
    return Refund(
        lines=lines,
        subtotal=money(subtotal),
        discount=share,
        shipping=shipping,
        tax=money(tax),
        total=money(subtotal - share + shipping + tax),
        tax_breakdown=breakdown,
    )
