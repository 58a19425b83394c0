"""A customer company's account: its invoices and credit notes with their payment state,
the account statement of a date range and the credit figures (the portal's account
area).

The statement is in the company's currency (documents and payments of orders in another
currency are not mixed in): invoices are debits on their issue date, credit notes
credits on theirs, payments credits on the day they were received (the local date of
``paid_at``). The opening balance is everything before the first day; the closing
balance is the opening balance plus the range's debits less its credits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Case, CharField, Count, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import money
from orders.checks import open_exposure
from orders.models import OPEN_STATUSES, Order, OrderStatus, Payment, PaymentStatus

from .models import Invoice, InvoiceKind
from .selectors import invoice_list

ZERO = Decimal("0.00")
#: The longest statement one request may ask for (a few years of history, not a century).
MAX_STATEMENT_DAYS = 366 * 5
#: No statement starts before this day (the system holds nothing older).
EARLIEST_STATEMENT_DAY = dt.date(2000, 1, 1)


class PaymentState(models.TextChoices):
    """Where an invoice stands; credit notes have none (``""``)."""

    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Overdue")
    PAID = "paid", _("Paid")
    CREDITED = "credited", _("Credited")


def payment_state_expression(today: dt.date):
    """The ``PaymentState`` of an invoice row, from its order (paid, or cancelled and so
    credited in full) and its due date."""
    return Case(
        When(kind=InvoiceKind.CREDIT_NOTE, then=Value("")),
        When(order__payment_status=PaymentStatus.PAID, then=Value(PaymentState.PAID)),
        When(order__status=OrderStatus.CANCELADO, then=Value(PaymentState.CREDITED)),
        When(due_date__lt=today, then=Value(PaymentState.OVERDUE)),
        default=Value(PaymentState.OPEN),
        output_field=CharField(),
    )


def account_documents(company, *, today: dt.date | None = None) -> QuerySet[Invoice]:
    """The company's invoices and credit notes, newest first, with ``payment_state``
    and their order's paid amount (one query for any number of rows)."""
    today = today or timezone.localdate()
    return (
        invoice_list(company=company)
        .select_related("order")
        .annotate(payment_state=payment_state_expression(today))
        .order_by("-issue_date", "-id")
    )


@dataclass
class StatementLine:
    date: dt.date
    kind: str  # "invoice", "credit_note" or "payment"
    reference: str
    order_number: str
    debit: Decimal
    credit: Decimal
    balance: Decimal = ZERO
    due_date: dt.date | None = None
    invoice: Invoice | None = None

    @property
    def kind_label(self) -> str:
        return str(STATEMENT_KINDS[self.kind])


STATEMENT_KINDS = {
    "invoice": _("Invoice"),
    "credit_note": _("Credit note"),
    "payment": _("Payment"),
}


@dataclass
class Statement:
    company: object
    currency: str
    start: dt.date
    end: dt.date
    opening: Decimal
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def invoiced(self) -> Decimal:
        return sum((line.debit for line in self.lines if line.kind == "invoice"), ZERO)

    @property
    def credited(self) -> Decimal:
        return sum((line.credit for line in self.lines if line.kind == "credit_note"), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((line.credit for line in self.lines if line.kind == "payment"), ZERO)

    @property
    def debits(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def credits(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    @property
    def closing(self) -> Decimal:
        return money(self.opening + self.debits - self.credits)


def _documents(company, currency) -> QuerySet[Invoice]:
    return Invoice.objects.filter(company=company, currency=currency)


def _payments(company, currency) -> QuerySet[Payment]:
    return Payment.objects.filter(order__company=company, order__currency=currency)


def _sum(queryset, name) -> Decimal:
    return money(queryset.aggregate(s=Coalesce(Sum(name), ZERO))["s"])


def account_statement(company, *, start: dt.date, end: dt.date) -> Statement:
    """The statement of ``company`` from ``start`` to ``end`` (both included), in its
    currency: opening balance, each document and payment with the running balance,
    closing balance. Four queries whatever the number of rows."""
    currency = company.currency
    documents, payments = _documents(company, currency), _payments(company, currency)
    opening = _sum(documents.filter(issue_date__lt=start), "total") - _sum(
        payments.filter(paid_at__date__lt=start), "amount"
    )
    lines = []
    for invoice in documents.filter(issue_date__gte=start, issue_date__lte=end).order_by(
        "issue_date", "id"
    ):
        credit_note = invoice.kind == InvoiceKind.CREDIT_NOTE
        lines.append(
            StatementLine(
                date=invoice.issue_date,
                kind=invoice.kind,
                reference=invoice.number,
                order_number=invoice.order_number,
                debit=ZERO if credit_note else invoice.total,
                credit=-invoice.total if credit_note else ZERO,
                due_date=None if credit_note else invoice.due_date,
                invoice=invoice,
            )
        )
    for payment in (
        payments.filter(paid_at__date__gte=start, paid_at__date__lte=end)
        .select_related("order")
        .order_by("paid_at", "id")
    ):
        lines.append(
            StatementLine(
                date=timezone.localdate(payment.paid_at),
                kind="payment",
                reference=payment.reference,
                order_number=payment.order.number,
                debit=ZERO,
                credit=payment.amount,
            )
        )
    # Documents before payments on the same day; the sort is stable within each kind.
    lines.sort(key=lambda line: (line.date, line.kind == "payment"))
    balance = money(opening)
    for line in lines:
        balance = money(balance + line.debit - line.credit)
        line.balance = balance
    return Statement(
        company=company,
        currency=currency,
        start=start,
        end=end,
        opening=money(opening),
        lines=lines,
    )


@dataclass(frozen=True)
class CreditFigures:
    currency: str
    limit: Decimal
    used: Decimal
    available: Decimal
    #: None when not asked for (``credit_figures(open_orders=False)``).
    open_orders: Decimal | None
    open_orders_count: int | None
    overdue: Decimal
    open_invoices: Decimal


def credit_figures(
    company, *, today: dt.date | None = None, open_orders: bool = True
) -> CreditFigures:
    """Credit limit, what is used of it (the unpaid balances of the company's
    non-cancelled orders, as the credit-limit hold counts them), what is left, the value
    of the open orders (unless ``open_orders`` is False: None), and the unpaid invoices
    (overdue among them). Three queries (two without the open orders), each on its own
    index: folded into one aggregate, the exposure and the open orders read every order
    of the company (200 ms for a customer with 75,000 orders, bench/README.md)."""
    today = today or timezone.localdate()
    used = open_exposure(company)
    orders = {"total": None, "count": None}
    if open_orders:
        orders = Order.objects.filter(company=company, status__in=OPEN_STATUSES).aggregate(
            total=Coalesce(Sum("total"), ZERO), count=Count("pk")
        )
    unpaid = account_documents(company, today=today).filter(
        payment_state__in=(PaymentState.OPEN, PaymentState.OVERDUE)
    )
    invoices = unpaid.aggregate(
        open=Coalesce(Sum("total"), ZERO),
        overdue=Coalesce(Sum("total", filter=Q(payment_state=PaymentState.OVERDUE)), ZERO),
    )
    return CreditFigures(
        currency=company.currency,
        limit=company.credit_limit,
        used=used,
        available=max(money(company.credit_limit - used), ZERO),
        open_orders=money(orders["total"]) if orders["total"] is not None else None,
        open_orders_count=orders["count"],
        overdue=money(invoices["overdue"]),
        open_invoices=money(invoices["open"]),
    )


def upcoming_due(company, *, limit: int = 10, today: dt.date | None = None) -> list[Invoice]:
    """The company's unpaid invoices, the earliest due first (the account page's list)."""
    return list(
        account_documents(company, today=today)
        .filter(payment_state__in=(PaymentState.OPEN, PaymentState.OVERDUE))
        .order_by("due_date", "id")[:limit]
    )
