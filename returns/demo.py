"""Demo returns for ``manage.py seed_demo`` (idempotent): returns in every state, one
company over the abuse threshold and one store-credit balance.

The returns need delivered orders: a few are placed, prepared, shipped and delivered
here through the orders service on the demo clock (a week ago), and each return then
moves through the returns service at its own moment after them, so dates agree.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from core.demo import demo_clock, workday
from customers.models import PaymentTerms, User
from inventory.models import StockItem
from orders import services as orders
from orders.models import Order

from . import services
from .models import Return

MARK = "RMA-DEMO-"


def _company(slug):
    user = User.objects.filter(email=f"buyer@{slug}.example").select_related("company").first()
    return (user.company, user) if user else (None, None)


def _skus(count: int) -> list[str]:
    """Returnable products with stock, from categories whose window is at least 14 days."""
    rows = (
        StockItem.objects.filter(
            product__active=True,
            on_hand__gte=40,
            product__category__returnable=True,
            product__category__return_window_days__gte=14,
        )
        .values_list("product__sku", flat=True)
        .order_by("product__sku")
        .distinct()
    )
    return list(rows[:count])


def _photo() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile("foto-defecto.jpg", buffer.getvalue(), "image/jpeg")


def _delivered_order(company, manager, warehouse, skus, quantity, suffix, days_ago):
    lines = [{"sku": sku, "quantity": quantity} for sku in skus]
    with demo_clock(workday(days_ago, "09:00")):
        order = orders.place_order(
            actor=manager, company=company, lines=lines, po_number=f"{MARK}{suffix}"
        )
    if order.on_hold:
        with demo_clock(workday(days_ago, "09:30")):
            order = orders.release_order(order=order, actor=manager, note="Demo")
    if company.payment_terms == PaymentTerms.PREPAID:
        with demo_clock(workday(days_ago, "10:00")):
            orders.record_payment(
                order=order, actor=manager, amount=order.total, reference="Transferencia demo"
            )
    with demo_clock(workday(days_ago, "11:00")):
        order = orders.prepare_order(order=order, actor=manager)
    with demo_clock(workday(days_ago, "16:00")):
        order = orders.ship_order(
            order=order,
            actor=warehouse,
            carrier=orders.resolve_carrier("seur"),
            tracking_number=f"DEMORMA{order.pk:06d}",
            estimated_delivery=orders.add_business_days(workday(days_ago, "16:00").date(), 2),
        )
    with demo_clock(workday(days_ago - 2, "12:00")):
        order = orders.deliver_order(order=order, actor=warehouse)
    return order


def seed() -> list[tuple[str, str]]:
    """Create the demo returns once; nothing happens when they already exist."""
    if Order.objects.filter(po_number__startswith=MARK).exists():
        return []
    manager = User.objects.filter(email="manager@example.com").first()
    service = User.objects.filter(email="service@example.com").first() or manager
    warehouse = User.objects.filter(email="warehouse@example.com").first() or manager
    skus = _skus(3)
    gomez, gomez_buyer = _company("gomez")
    kowalski, kowalski_buyer = _company("kowalski")
    levante, levante_buyer = _company("levante")
    if manager is None or len(skus) < 3 or None in (gomez, kowalski, levante):
        return []
    for company in (gomez, kowalski, levante):
        if company.is_blocked:
            return []

    first = _delivered_order(gomez, manager, warehouse, skus, 6, "001", 7)
    second = _delivered_order(kowalski, manager, warehouse, skus, 4, "002", 7)
    bought = _delivered_order(levante, manager, warehouse, skus[:1], 5, "003", 7)

    def ask(order, buyer, sku, quantity, reason, resolution, at):
        with demo_clock(workday(*at)):
            return services.request_return(
                actor=buyer,
                order=order,
                lines=[{"sku": sku, "quantity": quantity, "reason": reason}],
                resolution=resolution,
                notes="Demo",
            )

    def step(ret, action, at, **data):
        with demo_clock(workday(*at)):
            return getattr(services, action)(ret=ret, **data)

    a, b, c = skus
    # Gómez: one return in each open state, and one refunded.
    ask(first, gomez_buyer, a, 1, "no_longer_needed", "refund", (3, "10:00"))
    authorized = ask(first, gomez_buyer, b, 1, "wrong_item", "replacement", (3, "10:30"))
    step(authorized, "authorize_return", (3, "12:00"), actor=service)
    received = ask(first, gomez_buyer, c, 2, "defective", "refund", (3, "11:00"))
    with demo_clock(workday(3, "11:05")):
        services.add_attachment(ret=received, actor=gomez_buyer, file=_photo())
    step(received, "authorize_return", (3, "12:10"), actor=service)
    step(received, "receive_return", (1, "09:30"), actor=warehouse)
    inspected = ask(first, gomez_buyer, a, 2, "not_as_described", "refund", (3, "11:30"))
    step(inspected, "authorize_return", (3, "12:20"), actor=service)
    step(inspected, "receive_return", (1, "09:40"), actor=warehouse)
    step(
        inspected,
        "inspect_return",
        (1, "11:00"),
        actor=warehouse,
        lines=[{"sku": a, "condition": "resellable"}],
    )
    refunded = ask(first, gomez_buyer, b, 2, "not_as_described", "refund", (3, "11:45"))
    step(refunded, "authorize_return", (3, "12:30"), actor=service)
    step(refunded, "receive_return", (1, "09:50"), actor=warehouse)
    step(
        refunded,
        "inspect_return",
        (1, "11:10"),
        actor=warehouse,
        lines=[
            {"sku": b, "condition": "resellable", "quantity": 1},
            {"sku": b, "condition": "damaged", "quantity": 1},
        ],
    )
    step(refunded, "resolve_return", (1, "15:00"), actor=service)

    # Kowalski: rejected, cancelled, and resolved as store credit (its balance).
    rejected = ask(second, kowalski_buyer, a, 1, "other", "refund", (3, "09:15"))
    step(rejected, "reject_return", (2, "10:00"), actor=service, reason="Producto usado y sin caja")
    cancelled = ask(second, kowalski_buyer, b, 1, "no_longer_needed", "refund", (3, "09:20"))
    step(cancelled, "cancel_return", (2, "11:00"), actor=kowalski_buyer, reason="Me lo quedo")
    credit = ask(second, kowalski_buyer, c, 2, "wrong_item", "store_credit", (3, "09:30"))
    step(credit, "authorize_return", (3, "10:00"), actor=service)
    step(credit, "receive_return", (2, "09:00"), actor=warehouse)
    step(
        credit,
        "inspect_return",
        (2, "10:00"),
        actor=warehouse,
        lines=[{"sku": c, "condition": "resellable"}],
    )
    step(credit, "resolve_return", (2, "12:00"), actor=service)

    # Levante: returns most of what it bought (change of mind): over the abuse threshold.
    ask(bought, levante_buyer, a, 2, "no_longer_needed", "refund", (2, "09:00"))
    ask(bought, levante_buyer, a, 2, "other", "store_credit", (1, "09:00"))
    return []


def demo_returns():
    return Return.objects.filter(Q(order__po_number__startswith=MARK))
