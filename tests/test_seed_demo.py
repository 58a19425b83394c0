"""``manage.py seed_demo``: sends no email, writes a history whose dates agree, and a
second run changes nothing."""

import io

import pytest
from django.apps import apps
from django.core import mail
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.management import call_command
from django.utils import timezone

from customers.models import Company, TimelineEntry
from documents.models import DocumentFile, Invoice
from inventory.models import LowStockAlert, Product, StockMovement
from notifications.models import SentNotification
from orders.demo import MARK, PLAN
from orders.models import EventKind, Order, OrderEvent, OrderStatus, Payment

OUR_APPS = ["core", "customers", "inventory", "orders", "documents", "notifications", "webhooks"]


class RecordingConsoleBackend(ConsoleBackend):
    """Prints like the development default and keeps the messages in mail.outbox."""

    def send_messages(self, messages):
        messages = list(messages)
        mail.outbox.extend(messages)
        return super().send_messages(messages)


def seed(capsys) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue() + capsys.readouterr().out


def snapshot() -> dict:
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for name in OUR_APPS
        for model in apps.get_app_config(name).get_models()
    }


def ascending(values) -> bool:
    values = list(values)
    return values == sorted(values)


def check_orders(started) -> list[str]:
    """Every date the demo sets on orders, their events, payments, documents, emails
    and stock movements, against each other and against the real clock."""
    now = timezone.now()
    problems = []
    orders = list(
        Order.objects.filter(po_number__startswith=MARK)
        .select_related("company", "placed_by")
        .order_by("pk")
    )
    assert len(orders) == len(PLAN)
    expected = {f"{MARK}{suffix}": state for _slug, suffix, state, _extra in PLAN}
    opening = min(company.created_at for company in Company.objects.all())
    first_receipt = StockMovement.objects.filter(reference="INV-APERTURA").earliest("created_at")
    if not opening <= first_receipt.created_at:
        problems.append("stock received before the customers existed")

    def check(condition, order, message):
        if not condition:
            problems.append(f"{order.po_number}: {message}")

    assert ascending(order.number for order in orders)
    assert ascending(order.created_at for order in orders), "numbers not in placement order"
    for order in orders:
        placed = order.created_at
        placed_on = timezone.localdate(placed)
        check(order.status == expected[order.po_number], order, f"status {order.status}")
        check(placed < started, order, "placed now, not in the demo's past")
        check(order.company.created_at <= placed, order, "placed before its customer existed")
        check(
            order.placed_by is None or order.placed_by.date_joined <= placed,
            order,
            "placed before its user existed",
        )
        check(first_receipt.created_at <= placed, order, "placed before the stock arrived")
        check(order.promised_delivery_date >= placed_on, order, "promised before placement")
        steps = [placed, order.prepared_at, order.shipped_at, order.delivered_at]
        steps = [step for step in steps if step is not None]
        check(ascending(steps), order, f"placed/prepared/shipped/delivered out of order {steps}")
        check(all(step <= now for step in steps), order, "a step in the future")
        check(
            (order.shipped_at is None) == (order.status == OrderStatus.PENDIENTE)
            or order.status in (OrderStatus.EN_PREPARACION, OrderStatus.CANCELADO),
            order,
            "shipped_at does not match the status",
        )
        if order.status in (OrderStatus.ENVIADO, OrderStatus.ENTREGADO):
            check(order.prepared_at and order.shipped_at, order, "shipped without preparation")
            check(
                order.estimated_delivery >= timezone.localdate(order.shipped_at),
                order,
                "estimated delivery before shipping",
            )
        if order.delivered_at:
            check(order.shipped_at is not None, order, "delivered but never shipped")
        if order.cancelled_at:
            check(placed <= order.cancelled_at <= now, order, "cancelled before placement")
        if order.payment_due:
            check(
                order.payment_due >= timezone.localdate(order.prepared_at),
                order,
                "payment due before preparation",
            )
        check(placed <= order.updated_at <= now, order, "updated_at outside its history")

        events = list(OrderEvent.objects.filter(order=order).order_by("pk"))
        check(events and events[0].kind == EventKind.PLACED, order, "first event not 'placed'")
        check(ascending(e.created_at for e in events), order, "events out of order")
        check(all(placed <= e.created_at <= now for e in events), order, "event outside history")
        for kind, field in (
            (EventKind.PREPARED, order.prepared_at),
            (EventKind.SHIPPED, order.shipped_at),
            (EventKind.DELIVERED, order.delivered_at),
            (EventKind.CANCELLED, order.cancelled_at),
        ):
            for event in events:
                if event.kind == kind:
                    check(field is not None, order, f"{kind} event without its date")
                    check(
                        field is None
                        or kind == EventKind.DELIVERED
                        or abs((event.created_at - field).total_seconds()) < 60,
                        order,
                        f"{kind} event at {event.created_at}, order says {field}",
                    )
                    check(
                        kind != EventKind.DELIVERED or event.created_at >= field,
                        order,
                        "delivery recorded before it happened",
                    )
        for payment in Payment.objects.filter(order=order):
            check(placed <= payment.paid_at <= payment.created_at <= now, order, "payment date")
        for invoice in Invoice.objects.filter(order=order):
            check(placed <= invoice.issued_at <= now, order, "invoice outside its history")
            check(invoice.issue_date == timezone.localdate(invoice.issued_at), order, "issue date")
            check(invoice.due_date >= invoice.issue_date, order, "due before issued")
            if invoice.kind == "invoice":  # issued when preparation starts
                check(
                    order.prepared_at and invoice.issued_at >= order.prepared_at,
                    order,
                    "invoiced before preparation",
                )
        for document in DocumentFile.objects.filter(order=order):
            check(placed <= document.created_at <= now, order, "document outside its history")
            check(
                document.generated_at is None or document.generated_at >= document.created_at,
                order,
                "document generated before it was asked for",
            )
        for notification in SentNotification.objects.filter(order=order):
            check(placed <= notification.created_at <= now, order, "email outside its history")
            check(
                notification.sent_at is None or notification.sent_at >= notification.created_at,
                order,
                "email sent before it was queued",
            )
        for movement in StockMovement.objects.filter(reference=order.number):
            check(placed <= movement.created_at <= now, order, "stock moved outside its history")

    # Histories recorded in time order (ids and times agree).
    for model, field in (
        (Invoice, "issued_at"),
        (OrderEvent, "created_at"),
        (StockMovement, "created_at"),
        (TimelineEntry, "created_at"),
        (SentNotification, "created_at"),
    ):
        if not ascending(model.objects.order_by("pk").values_list(field, flat=True)):
            problems.append(f"{model.__name__} ids and times disagree")
    for model, field in (
        (Product, "created_at"),
        (LowStockAlert, "raised_at"),
        (TimelineEntry, "created_at"),
    ):
        if model.objects.filter(**{f"{field}__lt": opening}).exists():
            problems.append(f"{model.__name__} before the demo's opening")
        if model.objects.filter(**{f"{field}__gt": now}).exists():
            problems.append(f"{model.__name__} in the future")

    # The demo still shows what it is for: a late open order, a late and an on-time
    # delivery.
    if not any(order.is_late for order in orders):
        problems.append("no late open order")
    if {order.delivered_on_time for order in orders if order.delivered_at} != {True, False}:
        problems.append("want one delivery on time and one late")
    return problems


@pytest.mark.django_db(transaction=True)
def test_seed_demo_sends_nothing_writes_consistent_dates_and_is_idempotent(
    settings, tmp_path, capsys
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = f"{__name__}.RecordingConsoleBackend"
    started = timezone.now()

    printed = seed(capsys)

    assert mail.outbox == []
    assert "Subject:" not in printed
    assert len(printed.splitlines()) < 40
    assert "Demo data ready." in printed
    assert check_orders(started) == []

    before = snapshot()
    printed = seed(capsys)
    assert mail.outbox == [] and "Subject:" not in printed
    assert snapshot() == before


def test_each_app_contributes_its_demo_in_app_layer_order():
    from core.demo import demo_modules

    names = [module.__name__ for module in demo_modules()]
    assert names == [
        "customers.demo",
        "inventory.demo",
        "pricing.demo",
        "orders.demo",
        "returns.demo",
        "complaints.demo",
    ]
