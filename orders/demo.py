"""Demo orders for ``manage.py seed_demo`` (idempotent): orders in every state, some held,
some late, placed through the orders service from the three channels."""

import datetime as dt

from django.utils import timezone

from customers.models import User
from inventory.models import Product, StockItem

from . import services
from .models import Channel, Order

MARK = "DEMO-"

# (company slug, po suffix, final state, extra)
PLAN = [
    ("gomez", "001", "pendiente", {}),
    ("gomez", "002", "en_preparacion", {}),
    ("gomez", "003", "enviado", {"late": True}),
    ("gomez", "004", "entregado", {}),
    ("levante", "005", "pendiente", {"prepaid_unpaid": True}),
    ("levante", "006", "en_preparacion", {"pay": True}),
    ("kowalski", "007", "enviado", {}),
    ("kowalski", "008", "entregado", {"late_delivery": True}),
    ("kowalski", "009", "cancelado", {}),
    ("nowak", "010", "pendiente", {"new_address": True}),
    ("nowak", "011", "pendiente", {"hold": True}),
    ("nordic", "012", "en_preparacion", {"express": True}),
]


def _company(slug):
    user = User.objects.filter(email=f"buyer@{slug}.example").select_related("company").first()
    return (user.company, user) if user else (None, None)


def _lines(offset: int) -> list[dict]:
    skus = list(
        StockItem.objects.filter(product__active=True, on_hand__gte=50)
        .values_list("product__sku", flat=True)
        .order_by("product__sku")
        .distinct()[:40]
    )
    if not skus:
        skus = list(Product.objects.filter(active=True).values_list("sku", flat=True)[:40])
    picked = [skus[(offset * 3 + i) % len(skus)] for i in range(1 + offset % 3)]
    return [
        {"sku": sku, "quantity": 1 + (offset + i) % 4}
        for i, sku in enumerate(dict.fromkeys(picked))
    ]


def seed() -> list[tuple[str, str]]:
    """Create the demo orders once; nothing happens when they already exist."""
    if Order.objects.filter(po_number__startswith=MARK).exists():
        return []
    manager = User.objects.filter(email="manager@example.com").first()
    warehouse = User.objects.filter(email="warehouse@example.com").first() or manager
    today = timezone.localdate()
    for offset, (slug, suffix, state, extra) in enumerate(PLAN):
        company, buyer = _company(slug)
        if company is None or company.is_blocked:
            continue
        address = None
        if extra.get("new_address"):
            address = {
                "line1": "Obra nueva, nave 4",
                "postal_code": company.postal_code,
                "city": company.city,
                "country": company.country,
            }
        # Alternate the channels: portal (the buyer), back-office (staff), API-like system.
        actor = buyer if offset % 3 == 0 else manager
        order = services.place_order(
            actor=actor,
            company=None if actor == buyer else company,
            lines=_lines(offset),
            po_number=f"{MARK}{suffix}",
            shipping_method="express" if extra.get("express") else "standard",
            shipping_address=address,
            notes="Entregar por la mañana" if offset % 4 == 0 else "",
            channel=Channel.API if offset % 3 == 2 else None,
        )
        if extra.get("hold"):
            services.hold_order(order=order, actor=manager, note="Confirmar pedido por teléfono")
        if extra.get("pay"):
            services.record_payment(
                order=order, actor=manager, amount=order.total, reference="Transferencia demo"
            )
        if state == "cancelado":
            services.cancel_order(order=order, actor=manager, reason="Pedido duplicado")
            continue
        if state == "pendiente" or order.on_hold:
            continue
        services.prepare_order(order=order, actor=manager)
        if state == "en_preparacion":
            continue
        services.ship_order(
            order=order,
            actor=warehouse,
            carrier=["seur", "inpost", "GLS"][offset % 3],
            tracking_number=f"DEMO{order.pk:06d}",
            estimated_delivery=today,
        )
        if extra.get("late"):
            # History for the demo: promised (at placement) a week ago, still on its way.
            Order.objects.filter(pk=order.pk).update(
                promised_delivery_date=today - dt.timedelta(days=7)
            )
        if state == "entregado":
            when = timezone.now() - dt.timedelta(hours=2)
            if extra.get("late_delivery"):
                Order.objects.filter(pk=order.pk).update(
                    promised_delivery_date=today - dt.timedelta(days=3)
                )
            services.deliver_order(order=order, actor=warehouse, delivered_at=when)
    return []
