"""The three checks an order must pass before preparation (SPEC "Orders" 1).

Each check is a ``Check(name, passed, reason)``; the back-office shows them as a
green/red checklist and the API answers them in ``checks`` (and with ``checks_failed``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_amount, money
from customers.models import PaymentTerms

from .models import Order, OrderStatus, PaymentStatus

CUSTOMER_DATA, PAYMENT, STOCK = "customer_data", "payment", "stock"


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    reason: str

    def as_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "reason": str(self.reason)}


#: The sum of unpaid balances (total less paid) of an order queryset.
_BALANCE = Coalesce(
    Sum(
        ExpressionWrapper(
            F("total") - F("amount_paid"),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
    ),
    Decimal("0.00"),
)


def _unpaid_orders(company):
    orders = Order.objects.filter(company=company).exclude(status=OrderStatus.CANCELADO)
    return orders.exclude(payment_status=PaymentStatus.PAID)


def open_exposure(company, *, exclude_pk=None) -> Decimal:
    """What the company owes or will owe: unpaid balances of its non-cancelled orders."""
    orders = _unpaid_orders(company)
    if exclude_pk is not None:
        orders = orders.exclude(pk=exclude_pk)
    # SQLite returns the sum with spurious decimals: back to cents.
    return money(orders.aggregate(s=_BALANCE)["s"])


def exposure_and_overdue(company) -> tuple[Decimal, bool]:
    """``open_exposure(company)`` and whether any of those orders is overdue, in one
    query (placement needs both: the credit-limit hold and the payment check)."""
    row = _unpaid_orders(company).aggregate(
        s=_BALANCE, overdue=Count("pk", filter=Q(payment_due__lt=timezone.localdate()))
    )
    return money(row["s"]), bool(row["overdue"])


@dataclass(frozen=True)
class PlacementFacts:
    """What placing an order has just learnt, so that the checks of the new order need
    no query: the company's open exposure with the new order in it and whether the
    company had overdue orders. Given facts also mean every line was reserved in full
    but for its backordered units (placement reserves all lines or fails)."""

    exposure: Decimal
    has_overdue: bool


def has_overdue_orders(company, *, exclude_pk=None) -> bool:
    today = timezone.localdate()
    orders = Order.objects.filter(company=company, payment_due__lt=today).exclude(
        status=OrderStatus.CANCELADO
    )
    if exclude_pk is not None:
        orders = orders.exclude(pk=exclude_pk)
    return orders.exclude(payment_status=PaymentStatus.PAID).exists()


def customer_data_check(order) -> Check:
    missing = order.company.missing_data()
    if missing:
        return Check(
            CUSTOMER_DATA,
            False,
            _("Customer data incomplete: %(fields)s.") % {"fields": ", ".join(missing)},
        )
    return Check(CUSTOMER_DATA, True, _("Customer data complete."))


def payment_check(order, facts: PlacementFacts | None = None) -> Check:
    company = order.company
    if company.payment_terms == PaymentTerms.PREPAID:
        if order.payment_status == PaymentStatus.PAID:
            return Check(PAYMENT, True, _("Prepaid order: payment confirmed."))
        return Check(
            PAYMENT,
            False,
            _("Prepaid order: %(amount)s %(currency)s still to be paid.")
            % {"amount": format_amount(order.balance_due), "currency": order.currency},
        )
    if company.is_blocked:
        return Check(PAYMENT, False, _("The customer's account is blocked."))
    # A just-placed order is neither overdue nor paid, and its facts count it in.
    if facts.has_overdue if facts is not None else has_overdue_orders(company, exclude_pk=order.pk):
        return Check(PAYMENT, False, _("The customer has overdue unpaid orders."))
    if facts is not None:
        exposure = facts.exposure
    else:
        exposure = open_exposure(company, exclude_pk=order.pk)
        if order.payment_status != PaymentStatus.PAID:
            exposure += order.balance_due
    if exposure > company.credit_limit:
        return Check(
            PAYMENT,
            False,
            _("Over the credit limit: %(exposure)s open of %(limit)s %(currency)s.")
            % {
                "exposure": format_amount(exposure),
                "limit": format_amount(company.credit_limit),
                "currency": company.currency,
            },
        )
    return Check(
        PAYMENT,
        True,
        _("%(terms)s, within the credit limit (%(exposure)s of %(limit)s %(currency)s).")
        % {
            "terms": company.get_payment_terms_display(),
            "exposure": format_amount(exposure),
            "limit": format_amount(company.credit_limit),
            "currency": company.currency,
        },
    )


def stock_check(order, facts: PlacementFacts | None = None) -> Check:
    """What is not backordered must be reserved in full (the order ships what is
    reserved); backordered units are reserved when stock arrives."""
    from inventory.selectors import reserved_for

    lines = list(order.lines.all())
    backordered = [line for line in lines if line.backordered_quantity]
    if facts is None:
        held: dict[int, int] = defaultdict(int)
        for row in reserved_for(order):
            held[row["product_id"]] += row["quantity"]
        short = [line.sku for line in lines if held[line.product_id] < line.reserved_quantity]
        if short:
            return Check(
                STOCK,
                False,
                _("Stock not reserved in full for: %(skus)s.") % {"skus": ", ".join(short)},
            )
    if backordered:
        return Check(
            STOCK,
            True,
            _("Stock reserved, except the backorders: %(lines)s.")
            % {
                "lines": ", ".join(
                    f"{line.sku} ({line.backordered_quantity})" for line in backordered
                )
            },
        )
    return Check(STOCK, True, _("Stock reserved in full."))


def preparation_checks(order, facts: PlacementFacts | None = None) -> list[Check]:
    """The three checks, in the order staff read them (``facts``: those placement
    already knows, for the order it has just placed)."""
    return [
        customer_data_check(order),
        payment_check(order, facts),
        stock_check(order, facts),
    ]
