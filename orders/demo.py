"""Demo orders for ``manage.py seed_demo`` (idempotent): orders in every state, some held,
some late, placed through the orders service from the three channels.

Each order has a short history over the last business days. Every step (placing,
holding, paying, preparing, shipping, delivering, cancelling) runs through the service
at its own moment on the demo clock, all orders' steps in time order: the dates agree
with each other (promised and estimated dates computed then, invoices issued by the
step that issues them, numbers in placement order) and nothing happens in the future. "Late" orders
are late because their promised date has passed, not because a date was rewritten.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from core.demo import demo_clock, workday
from core.errors import DomainError
from customers.models import User
from inventory.models import Product, StockItem

from . import services
from .models import Channel, Order
from .services import add_business_days

MARK = "DEMO-"

# (company slug, po suffix, final state, extra); the steps and when: ``_timeline``.
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


def _timeline(suffix: str) -> dict[str, tuple[int, str]]:
    """When each step of an order happens: (business days ago, local time)."""
    s = settings.PROMISED_DAYS_STANDARD
    return {
        "001": {"place": (1, "16:40")},
        "002": {"place": (2, "10:05"), "prepare": (1, "09:30")},
        # Promised s business days after placement, which is more than s days ago, and
        # still on its way: late.
        "003": {"place": (s + 4, "11:20"), "prepare": (s + 3, "09:10"), "ship": (s + 3, "15:30")},
        # Delivered on the promised day.
        "004": {
            "place": (s + 3, "09:45"),
            "prepare": (s + 3, "14:00"),
            "ship": (s + 2, "10:00"),
            "deliver": (3, "12:15"),
        },
        "005": {"place": (1, "12:30")},
        "006": {"place": (2, "09:00"), "pay": (2, "11:30"), "prepare": (1, "10:00")},
        "007": {"place": (3, "08:50"), "prepare": (2, "09:40"), "ship": (1, "14:00")},
        # Shipped late and delivered after the promised date.
        "008": {
            "place": (s + 6, "10:30"),
            "prepare": (s + 5, "09:00"),
            "ship": (s + 2, "15:00"),
            "deliver": (2, "11:00"),
        },
        "009": {"place": (2, "13:00"), "cancel": (2, "15:45")},
        "010": {"place": (1, "10:10")},
        "011": {"place": (1, "11:00"), "hold": (1, "11:20")},
        "012": {"place": (1, "09:20"), "prepare": (1, "13:00")},
    }[suffix]


def history_days() -> int:
    """How many business days back the oldest demo order was placed."""
    return max(_timeline(suffix)["place"][0] for _slug, suffix, _state, _extra in PLAN)


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
    steps = []
    for offset, (slug, suffix, _state, _extra) in enumerate(PLAN):
        company, _buyer = _company(slug)
        if company is None or company.is_blocked:
            continue
        for action, (days_ago, time) in _timeline(suffix).items():
            steps.append((workday(days_ago, time), offset, action))
    orders: dict[int, Order] = {}
    clock = None
    for when, offset, action in sorted(steps):
        if action != "place" and offset not in orders:
            continue  # the order was not placed (say, a company blocked since)
        if clock is not None and when <= clock:
            when = clock + dt.timedelta(seconds=1)  # two steps at one minute: one after
        with demo_clock(when):
            _step(action, offset, orders, manager=manager, warehouse=warehouse)
            clock = timezone.now()
    _shopping_lists()
    return []


#: The demo shopping list of each company, in its language.
LIST_NAMES = {"es": "Reposición mensual", "pl": "Zamówienie miesięczne", "en": "Monthly restock"}


def _shopping_lists() -> None:
    """One shared list per demo company: the lines of its first demo order."""
    for slug in dict.fromkeys(slug for slug, _suffix, _state, _extra in PLAN):
        company, buyer = _company(slug)
        if company is None or company.shopping_lists.exists():
            continue
        first = (
            Order.objects.filter(company=company, po_number__startswith=MARK)
            .order_by("created_at", "id")
            .first()
        )
        if first is None:
            continue
        try:
            shopping_list = services.create_shopping_list(
                actor=buyer, company=company, name=LIST_NAMES.get(company.language, "Demo")
            )
            services.add_order_to_shopping_list(
                actor=buyer, shopping_list=shopping_list, order=first
            )
        except DomainError:
            continue  # e.g. a buyer deactivated since: no list


def _step(action: str, offset: int, orders: dict[int, Order], *, manager, warehouse) -> None:
    slug, suffix, _state, extra = PLAN[offset]
    if action == "place":
        company, buyer = _company(slug)
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
        orders[offset] = services.place_order(
            actor=actor,
            company=None if actor == buyer else company,
            lines=_lines(offset),
            po_number=f"{MARK}{suffix}",
            shipping_method="express" if extra.get("express") else "standard",
            shipping_address=address,
            notes="Entregar por la mañana" if offset % 4 == 0 else "",
            channel=Channel.API if offset % 3 == 2 else None,
        )
        return
    order = orders[offset]
    order.refresh_from_db()
    if action == "hold":
        services.hold_order(order=order, actor=manager, note="Confirmar pedido por teléfono")
    elif action == "pay":
        services.record_payment(
            order=order, actor=manager, amount=order.total, reference="Transferencia demo"
        )
    elif action == "cancel":
        services.cancel_order(order=order, actor=manager, reason="Pedido duplicado")
    elif order.on_hold:
        return  # held automatically at placement: it waits for staff
    elif action == "prepare":
        services.prepare_order(order=order, actor=manager)
    elif action == "ship":
        services.ship_order(
            order=order,
            actor=warehouse,
            carrier=services.resolve_carrier(["seur", "inpost", "GLS"][offset % 3]),
            tracking_number=f"DEMO{order.pk:06d}",
            estimated_delivery=add_business_days(timezone.localdate(), 2),
        )
    elif action == "deliver":
        services.deliver_order(order=order, actor=warehouse)
