"""What the order and company pages show of store credit (balance, its uses), for the
slots of ``returns/navigation.py`` and the apply-store-credit views of both faces."""

from __future__ import annotations

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
    entries = list(
        StoreCreditEntry.objects.filter(company=company)
        .select_related("ret", "order", "credit_note")
        .order_by("-created_at")[:limit]
    )
    return {"store_credit": store_credit_balance(company), "credit_entries": entries}
