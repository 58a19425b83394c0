"""Demo returns for ``manage.py seed_demo`` (idempotent): returns in every state, one
company over the abuse threshold and one store-credit balance.

The returns need delivered orders: a few are placed, prepared, shipped and delivered
here through the orders service on the demo clock, and each return then moves through
the returns service at its own moment after them. Every step happens on the last
business day's evening, after the orders demo's history, one minute after the other,
so ids and times agree across the whole demo.
"""

from __future__ import annotations

import datetime as dt
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
START = "17:00"  # after the orders demo's last step (16:40) on the last business day


class _Clock:
    """One minute later at each call, from ``START`` on the last business day."""

    def __init__(self):
        self.base = workday(1, START)
        self.minutes = 0

    def __call__(self):
        self.minutes += 1
        return demo_clock(self.base + dt.timedelta(minutes=self.minutes))


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


def _delivered_order(clock, company, manager, warehouse, skus, quantity, suffix):
    lines = [{"sku": sku, "quantity": quantity} for sku in skus]
    with clock():
        order = orders.place_order(
            actor=manager, company=company, lines=lines, po_number=f"{MARK}{suffix}"
        )
    if order.on_hold:
        with clock():
            order = orders.release_order(order=order, actor=manager, note="Demo")
    if company.payment_terms == PaymentTerms.PREPAID:
        with clock():
            orders.record_payment(
                order=order, actor=manager, amount=order.total, reference="Transferencia demo"
            )
    with clock():
        order = orders.prepare_order(order=order, actor=manager)
    with clock():
        order = orders.ship_order(
            order=order,
            actor=warehouse,
            carrier=orders.resolve_carrier("seur"),
            tracking_number=f"DEMORMA{order.pk:06d}",
            estimated_delivery=orders.add_business_days(clock.base.date(), 2),
        )
    with clock():
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

    clock = _Clock()
    first = _delivered_order(clock, gomez, manager, warehouse, skus, 6, "001")
    second = _delivered_order(clock, kowalski, manager, warehouse, skus, 4, "002")
    bought = _delivered_order(clock, levante, manager, warehouse, skus[:1], 5, "003")

    def ask(order, buyer, sku, quantity, reason, resolution, _at=None):
        with clock():
            return services.request_return(
                actor=buyer,
                order=order,
                lines=[{"sku": sku, "quantity": quantity, "reason": reason}],
                resolution=resolution,
                notes="Demo",
            )

    def step(ret, action, _at=None, **data):
        with clock():
            return getattr(services, action)(ret=ret, **data)

    a, b, c = skus
    # Gómez: one return in each open state, and one refunded.
    ask(first, gomez_buyer, a, 1, "no_longer_needed", "refund")
    authorized = ask(first, gomez_buyer, b, 1, "wrong_item", "replacement")
    step(authorized, "authorize_return", actor=service)
    received = ask(first, gomez_buyer, c, 2, "defective", "refund")
    with clock():
        services.add_attachment(ret=received, actor=gomez_buyer, file=_photo())
    step(received, "authorize_return", actor=service)
    step(received, "receive_return", actor=warehouse)
    inspected = ask(first, gomez_buyer, a, 2, "not_as_described", "refund")
    step(inspected, "authorize_return", actor=service)
    step(inspected, "receive_return", actor=warehouse)
    step(
        inspected,
        "inspect_return",
        (1, "11:00"),
        actor=warehouse,
        lines=[{"sku": a, "condition": "resellable"}],
    )
    refunded = ask(first, gomez_buyer, b, 2, "not_as_described", "refund")
    step(refunded, "authorize_return", actor=service)
    step(refunded, "receive_return", actor=warehouse)
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
    step(refunded, "resolve_return", actor=service)

    # Kowalski: rejected, cancelled, and resolved as store credit (its balance).
    rejected = ask(second, kowalski_buyer, a, 1, "other", "refund")
    step(rejected, "reject_return", actor=service, reason="Producto usado y sin caja")
    cancelled = ask(second, kowalski_buyer, b, 1, "no_longer_needed", "refund")
    step(cancelled, "cancel_return", actor=kowalski_buyer, reason="Me lo quedo")
    credit = ask(second, kowalski_buyer, c, 2, "wrong_item", "store_credit")
    step(credit, "authorize_return", actor=service)
    step(credit, "receive_return", actor=warehouse)
    step(
        credit,
        "inspect_return",
        (2, "10:00"),
        actor=warehouse,
        lines=[{"sku": c, "condition": "resellable"}],
    )
    step(credit, "resolve_return", actor=service)

    # Levante: returns most of what it bought (change of mind): over the abuse threshold.
    ask(bought, levante_buyer, a, 2, "no_longer_needed", "refund")
    ask(bought, levante_buyer, a, 2, "other", "store_credit")
    return []


def demo_returns():
    return Return.objects.filter(Q(order__po_number__startswith=MARK))
