"""Generate a realistic order history at scale, for the list and dashboard benchmarks.

    python manage.py generate_orders --orders 1000000 [--customers 3000] [--skus 5000]
        [--days 730] [--seed 1] [--no-aftercare]
    python manage.py generate_orders --aftercare-only    # aftercare of orders made before

PostgreSQL only: rows go in with ``COPY`` (orders, their lines and their events), in
batches, with ids and order numbers taken from the tables' own sequences so the
application keeps numbering after them. What it makes:

- customers (``GEN`` companies, a fifth of them Polish, paying in PLN) whose volume is
  skewed (a few place most orders), and ``GEN-`` products when there are fewer than
  ``--skus``;
- order dates over ``--days`` (two years), growing towards today;
- states in the proportions of a working desk: old orders are nearly all delivered or
  cancelled, this week's are pending, in preparation or on their way;
- 1 to 40 lines per order (mean about 5), priced from the products, with totals;
- the events of each order's transitions (placed, prepared, shipped, delivered or
  cancelled), with their times;
- unless ``--no-aftercare``, their after-sales history (``manage.py
  generate_aftercare``, in the dashboard app, the layer that may read every domain):
  delivery ratings, returns with their credit notes, complaints with their clocks,
  messages and ratings, the customer timeline of every order, return and complaint
  event, and the returns abuse watch's flags. ``--aftercare-only`` adds it to the
  generated orders that have none (a data set made before the aftercare existed);
- at the end, the dashboard's daily delivery summaries up to yesterday
  (``manage.py summarise_deliveries``, what the nightly task does).

It does not reserve or move stock: generated orders carry no allocations, so the stock
ledger is left as it was. Columns the generator does not set take their model default.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import time
from decimal import ROUND_HALF_UP, Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from core.numbering import format_number, sequence_name
from customers.models import Company, TimelineEntry, TimelineKind
from customers.validators import spanish_cif_controls
from inventory.models import Category, Product
from orders.models import Carrier, Order, OrderEvent, OrderLine
from orders.services.placement import ORDER_SERIES
from orders.transit import TransitCounter

CENT = Decimal("0.01")
PREFIX = "GEN"


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    else:
        value = str(value)
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


class Table:
    """A model's table for COPY: its columns, and the model default of every column
    the generator does not set (computed once)."""

    def __init__(self, model, given: tuple[str, ...], omit: tuple[str, ...] = ()):
        self.model = model
        self.table = model._meta.db_table
        # ``omit``: columns left to the database (e.g. an id from its sequence's default).
        self.columns = [f.column for f in model._meta.concrete_fields if f.column not in omit]
        self.given = set(given)
        self.defaults = {}
        for field in model._meta.concrete_fields:
            if field.column in self.given or field.column in omit:
                continue
            default = field.get_default()
            if default is None and not field.null:
                raise CommandError(f"{self.table}.{field.column} has no default to fill in")
            self.defaults[field.column] = _copy_text(default)
        unknown = self.given - set(self.columns)
        if unknown:
            raise CommandError(f"{self.table} has no column {sorted(unknown)}")
        self.buffer = io.StringIO()
        self.rows = 0

    def add(self, row: dict) -> None:
        defaults = self.defaults
        self.buffer.write(
            "\t".join(_copy_text(row[c]) if c in row else defaults[c] for c in self.columns)
        )
        self.buffer.write("\n")
        self.rows += 1

    def flush(self, cursor) -> None:
        if not self.rows:
            return
        self.buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        cursor.copy_expert(f"COPY {self.table} ({columns}) FROM STDIN", self.buffer)
        self.buffer = io.StringIO()
        self.rows = 0


def _reserve_ids(cursor, table: str, count: int) -> int:
    """The first of ``count`` consecutive ids taken from ``table``'s id sequence."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    seq = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s)", [seq])
    first = cursor.fetchone()[0]
    cursor.execute("SELECT setval(%s, %s)", [seq, first + count - 1])
    return first


def _reserve_sequence(cursor, name: str, count: int) -> int:
    cursor.execute("SELECT nextval(%s::regclass)", [name])
    first = cursor.fetchone()[0]
    cursor.execute("SELECT setval(%s::regclass, %s)", [name, first + count - 1])
    return first


# The states an order is in, by its age: (max age in days, [(status, weight)]).
STATES_BY_AGE = [
    (2, [("pendiente", 50), ("en_preparacion", 25), ("enviado", 15),
         ("entregado", 5), ("cancelado", 5)]),
    (10, [("pendiente", 6), ("en_preparacion", 6), ("enviado", 20),
          ("entregado", 58), ("cancelado", 10)]),
    (10**6, [("enviado", 1), ("entregado", 89), ("cancelado", 10)]),
]  # fmt: skip
PATH = {
    "pendiente": ["pendiente"],
    "en_preparacion": ["pendiente", "en_preparacion"],
    "enviado": ["pendiente", "en_preparacion", "enviado"],
    "entregado": ["pendiente", "en_preparacion", "enviado", "entregado"],
    "cancelado": ["pendiente", "cancelado"],
}
EVENT_KIND = {
    "pendiente": "placed",
    "en_preparacion": "prepared",
    "enviado": "shipped",
    "entregado": "delivered",
    "cancelado": "cancelled",
}


class Command(BaseCommand):
    help = "Generate a realistic order history at scale (PostgreSQL, COPY)."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=100_000)
        parser.add_argument("--customers", type=int, default=0, help="default: orders / 300")
        parser.add_argument("--skus", type=int, default=5000)
        parser.add_argument("--days", type=int, default=730)
        parser.add_argument("--batch", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--aftercare",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="add ratings, returns, complaints, timeline and abuse flags (default: on)",
        )
        parser.add_argument(
            "--aftercare-only",
            action="store_true",
            help="generate no orders: add the aftercare to the generated orders present",
        )

    def handle(self, *args, orders, customers, skus, days, batch, seed, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_orders needs PostgreSQL (it loads with COPY).")
        if options["aftercare_only"]:
            self._aftercare_only(seed=seed)
            return
        if orders < 1:
            raise CommandError("--orders must be at least 1.")
        rng = random.Random(seed)  # noqa: S311 - test data, not secrets
        customers = customers or max(10, orders // 300)
        started = time.monotonic()
        companies = self._companies(customers)
        products = self._products(skus, rng)
        carriers = list(Carrier.objects.filter(active=True).values_list("pk", flat=True))
        if not carriers:
            raise CommandError("No active carrier: run the migrations first.")
        weights = [1 / (rank + 1) ** 0.9 for rank in range(len(companies))]
        cum, total = [], 0.0
        for w in weights:
            total += w
            cum.append(total)

        order_table = Table(Order, ORDER_COLUMNS)
        line_table = Table(OrderLine, LINE_COLUMNS)
        event_table = Table(OrderEvent, EVENT_COLUMNS)
        now = timezone.now()
        # Transit days on the seller's calendar, holidays and closures included: one
        # pass over the calendar, then two look-ups per order (orders.transit).
        transit = TransitCounter(
            timezone.localdate(now) - dt.timedelta(days=days + 1),
            timezone.localdate(now) + dt.timedelta(days=30),
        )
        made = lines_made = 0
        first_generated = None
        while made < orders:
            size = min(batch, orders - made)
            with transaction.atomic(), connection.cursor() as cursor:
                first_order = _reserve_ids(cursor, Order._meta.db_table, size)
                if first_generated is None:
                    first_generated = first_order
                first_number = _reserve_sequence(cursor, sequence_name(ORDER_SERIES), size)
                planned = []
                for _i in range(size):
                    age = days * (1 - rng.random() ** 0.5)
                    n_lines = min(40, 1 + int(rng.expovariate(1 / 4.6)))
                    picked = rng.sample(products, n_lines)
                    planned.append(
                        (
                            rng.choices(companies, cum_weights=cum)[0],
                            now - dt.timedelta(days=age),
                            age,
                            self._status(rng, age),
                            picked,
                            [1 + int(rng.expovariate(1 / 6)) for _p in picked],
                        )
                    )
                line_count = sum(len(plan[4]) for plan in planned)
                event_count = sum(len(PATH[plan[3]]) for plan in planned)
                first_line = _reserve_ids(cursor, OrderLine._meta.db_table, line_count)
                first_event = _reserve_ids(cursor, OrderEvent._meta.db_table, event_count)
                line_id, event_id = first_line, first_event
                for k, (company, created, age, status, picked, quantities) in enumerate(planned):
                    order_id = first_order + k
                    path = PATH[status]
                    subtotal = Decimal("0.00")
                    tax = Decimal("0.00")
                    for position, (product, qty) in enumerate(zip(picked, quantities, strict=True)):
                        price = product["price"]
                        line_total = price * qty
                        subtotal += line_total
                        tax += line_total * product["vat"] / 100
                        line_table.add(
                            {
                                "id": line_id,
                                "order_id": order_id,
                                "position": position + 1,
                                "product_id": product["id"],
                                "sku": product["sku"],
                                "name": product["name"],
                                "list_price": price,
                                "unit_price": price,
                                "vat_rate": product["vat"],
                                "quantity": qty,
                                "line_total": line_total,
                            }
                        )
                        line_id += 1
                    shipping = Decimal("0.00") if subtotal >= 300 else Decimal("9.90")
                    tax = _money(tax + shipping * Decimal("0.21"))
                    times = self._times(created, path, rng)
                    delivered = status == "entregado"
                    shipped = status in ("enviado", "entregado")
                    order_table.add(
                        {
                            "id": order_id,
                            "number": format_number(ORDER_SERIES, created.year, first_number + k),
                            "company_id": company["id"],
                            "channel": rng.choice(("portal", "api", "api", "backoffice")),
                            "status": status,
                            "po_number": f"PO-{rng.randrange(10**7):07d}"
                            if rng.random() < 0.7
                            else "",
                            "shipping_method": "express" if rng.random() < 0.1 else "standard",
                            "shipping_address": company["address"],
                            "billing_address": company["address"],
                            "currency": company["currency"],
                            "subtotal": subtotal,
                            "tax": tax,
                            "shipping": shipping,
                            "total": subtotal + shipping + tax,
                            "promised_delivery_date": (created + dt.timedelta(days=3)).date(),
                            "on_hold": status == "pendiente" and rng.random() < 0.05,
                            "payment_status": "paid" if delivered and age > 45 else "unpaid",
                            "amount_paid": subtotal + shipping + tax
                            if delivered and age > 45
                            else Decimal("0.00"),
                            "carrier_id": rng.choice(carriers) if shipped else None,
                            "tracking_number": f"TRK{order_id:010d}" if shipped else "",
                            "estimated_delivery": (created + dt.timedelta(days=3)).date()
                            if shipped
                            else None,
                            "prepared_at": times.get("en_preparacion"),
                            "shipped_at": times.get("enviado"),
                            "delivered_at": times.get("entregado"),
                            "transit_business_days": transit.between(
                                times.get("enviado"), times.get("entregado")
                            ),
                            "cancelled_at": times.get("cancelado"),
                            "cancel_reason": "Customer request" if status == "cancelado" else "",
                            "created_at": created,
                            "updated_at": times[path[-1]],
                        }
                    )
                    previous = ""
                    for state in path:
                        event_table.add(
                            {
                                "id": event_id,
                                "order_id": order_id,
                                "kind": EVENT_KIND[state],
                                "from_status": previous,
                                "to_status": state,
                                "customer_visible": True,
                                "created_at": times[state],
                            }
                        )
                        event_id += 1
                        previous = state
                order_table.flush(cursor)
                line_table.flush(cursor)
                event_table.flush(cursor)
            made += size
            lines_made += line_count
            elapsed = time.monotonic() - started
            self.stdout.write(f"{made} orders, {lines_made} lines ({elapsed:.0f} s)")
        if options["aftercare"]:
            self._aftercare(first_generated, first_order + size - 1, seed=seed)
        # The dashboard's daily delivery summaries, as the nightly task keeps them.
        call_command("summarise_deliveries", stdout=self.stdout)
        with connection.cursor() as cursor:
            # VACUUM, not only ANALYZE: it sets the visibility map, without which the
            # index-only scans of the queue's capped counts read the heap (70 ms
            # instead of 14 ms at a million orders) until autovacuum comes by.
            vacuum = "VACUUM (ANALYZE)" if connection.get_autocommit() else "ANALYZE"
            for model in (Order, OrderLine, OrderEvent):
                cursor.execute(f"{vacuum} {model._meta.db_table}")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"generated {made} orders with {lines_made} lines "
                f"({lines_made / made:.1f} per order) for {len(companies)} customers "
                f"in {elapsed:.0f} s"
            )
        )

    # --- aftercare --------------------------------------------------------------------

    def _aftercare(self, first_id: int, last_id: int, *, seed: int) -> None:
        """Ratings, returns, complaints, the customer timeline and the abuse watch of the
        orders ``first_id``..``last_id`` (``manage.py generate_aftercare``, called by name:
        the dashboard app is above orders)."""
        call_command(
            "generate_aftercare", first=first_id, last=last_id, seed=seed, stdout=self.stdout
        )

    def _aftercare_only(self, *, seed: int) -> None:
        generated = Order.objects.filter(company__legal_name__startswith=f"{PREFIX} ")
        bounds = generated.aggregate(low=Min("id"), high=Max("id"))
        if bounds["low"] is None:
            raise CommandError("No generated order: run generate_orders without --aftercare-only.")
        if TimelineEntry.objects.filter(
            kind=TimelineKind.ORDER, company__legal_name__startswith=f"{PREFIX} "
        ).exists():
            raise CommandError("The generated orders already have their aftercare.")
        self._aftercare(bounds["low"], bounds["high"], seed=seed)
        call_command("summarise_deliveries", stdout=self.stdout)

    # --- helpers ---------------------------------------------------------------------

    @staticmethod
    def _status(rng: random.Random, age: float) -> str:
        for max_age, weighted in STATES_BY_AGE:
            if age <= max_age:
                states, weights = zip(*weighted, strict=True)
                return rng.choices(states, weights)[0]
        raise AssertionError("unreachable")

    @staticmethod
    def _times(created: dt.datetime, path: list[str], rng: random.Random) -> dict:
        """When the order entered each state of its path (hours apart, as a desk works)."""
        times = {"pendiente": created}
        current = created
        gaps = {"en_preparacion": 6, "enviado": 14, "entregado": 40, "cancelado": 12}
        for state in path[1:]:
            current = current + dt.timedelta(hours=rng.expovariate(1 / gaps[state]))
            times[state] = current
        return times

    def _companies(self, count: int) -> list[dict]:
        have = Company.objects.filter(legal_name__startswith=f"{PREFIX} ").count()
        Company.objects.bulk_create(
            [
                Company(
                    legal_name=f"{PREFIX} customer {i:05d}",
                    tax_id=self._cif(8_000_000 + i),
                    email=f"gen{i}@example.com",
                    line1=f"Calle Generada {i}",
                    postal_code="28001" if i % 5 else "00-001",
                    city="Madrid" if i % 5 else "Warszawa",
                    country="ES" if i % 5 else "PL",
                    language="es" if i % 5 else "pl",
                    currency="EUR" if i % 5 else "PLN",
                    payment_terms="net30",
                    credit_limit="1000000.00",
                )
                for i in range(have + 1, count + 1)
            ],
            batch_size=2000,
        )
        rows = Company.objects.filter(legal_name__startswith=f"{PREFIX} ").order_by("pk")[:count]
        return [
            {
                "id": c.pk,
                "currency": c.currency,
                "address": {
                    "label": c.legal_name,
                    "line1": c.line1,
                    "postal_code": c.postal_code,
                    "city": c.city,
                    "country": c.country,
                },
            }
            for c in rows
        ]

    @staticmethod
    def _cif(n: int) -> str:
        digits = f"{n:07d}"
        return f"B{digits}{spanish_cif_controls(digits)[0]}"

    def _products(self, count: int, rng: random.Random) -> list[dict]:
        existing = Product.objects.filter(active=True).count()
        if existing < count:
            category, _created = Category.objects.get_or_create(name=f"{PREFIX} category")
            start = Product.objects.filter(sku__startswith=f"{PREFIX}-").count()
            Product.objects.bulk_create(
                [
                    Product(
                        sku=f"{PREFIX}-{i:06d}",
                        name=f"Generated product {i}",
                        category=category,
                        unit_price=_money(Decimal(rng.randint(50, 50_000)) / 100),
                    )
                    for i in range(start + 1, start + 1 + count - existing)
                ],
                batch_size=2000,
            )
        fields = [f.name for f in Product._meta.concrete_fields]
        vat = "vat_rate" if "vat_rate" in fields else None
        return [
            {
                "id": p.pk,
                "sku": p.sku,
                "name": p.name,
                "price": Decimal(p.unit_price),
                "vat": Decimal(getattr(p, vat)) if vat else Decimal("21.00"),
            }
            for p in Product.objects.filter(active=True).order_by("pk")[:count]
        ]


ORDER_COLUMNS = (
    "id", "number", "company_id", "channel", "status", "po_number", "shipping_method",
    "shipping_address", "billing_address", "currency", "subtotal", "tax", "shipping",
    "total", "promised_delivery_date", "on_hold", "payment_status", "amount_paid",
    "carrier_id", "tracking_number", "estimated_delivery", "prepared_at", "shipped_at",
    "delivered_at", "cancelled_at", "cancel_reason", "created_at", "updated_at",
    "transit_business_days",
)  # fmt: skip
LINE_COLUMNS = (
    "id", "order_id", "position", "product_id", "sku", "name", "list_price", "unit_price",
    "vat_rate", "quantity", "line_total",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "order_id", "kind", "from_status", "to_status", "customer_visible", "created_at",
)  # fmt: skip
