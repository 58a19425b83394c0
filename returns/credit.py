"""What the order and company pages show of store credit (balance, its uses), for the
slots of ``returns/navigation.py`` and the apply-store-credit views of both faces."""

from __future__ import annotations

from django.db.models import Sum, Window

from core.money import ZERO, money
from orders.models import OrderStatus

from .models import StoreCreditEntry
from .services import store_credit_balance


def order_credit(order) -> dict:
    """The company's balance, what paid this order, and whether more may be applied."""
    balance = store_credit_balance(order.company_id)
    used = list(StoreCreditEntry.objects.filter(order=order).order_by("created_at"))
    for entry in used:
        entry.paid = -entry.amount  # debits are stored negative
    can_apply = balance > 0 and order.status != OrderStatus.CANCELADO and order.balance_due > 0
    return {"store_credit": balance, "credit_used": used, "can_apply_credit": can_apply}


def company_credit(company, limit: int = 10) -> dict:
    """The company's store-credit balance and its latest ``limit`` ledger entries, in
    one query: the balance (``store_credit_balance``'s sum of the whole ledger) rides
    on the listed rows as a window over every row, computed before the limit."""
    entries = list(
        StoreCreditEntry.objects.filter(company=company)
        .select_related("ret", "order", "credit_note")
        .annotate(ledger_balance=Window(Sum("amount")))
        .order_by("-created_at", "-id")[:limit]
    )
    balance = money(entries[0].ledger_balance) if entries else ZERO
    return {"store_credit": balance, "credit_entries": entries}
