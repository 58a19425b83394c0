"""A database with orders in every state, for the schemathesis runs
(``tests/test_api_schema.py``): placed, held, prepared, shipped, delivered (paid)
and cancelled through the orders services, their documents generated (eager Celery,
on-commit work run as a commit would)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module

from django.apps import apps as django_apps
from django.test import TestCase
from django.utils import timezone

from core.roles import StaffRole
from customers.tests.factories import CompanyFactory, StaffUserFactory
from documents.models import DocumentFile, DocumentStatus, Invoice
from inventory.models import Category, Product, Warehouse
from inventory.tests.factories import WarehouseFactory
from orders import services as orders
from orders.models import Order, OrderStatus
from orders.tests.factories import stocked_product


@dataclass
class Seed:
    """What the seed created, for mapping generated path parameters onto real rows."""

    order_numbers: list[str] = field(default_factory=list)
    invoice_numbers: list[str] = field(default_factory=list)
    company_ids: list[int] = field(default_factory=list)
    category_ids: list[int] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    warehouse_codes: list[str] = field(default_factory=list)


def _committed():
    """Run the block's on-commit callbacks (outbox relay, document tasks) at its end."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def seed_orders_in_every_state() -> Seed:
    # The migrations' carriers and staff groups, gone if a transactional test flushed.
    from conftest import REFERENCE_DATA

    for module, function in REFERENCE_DATA:
        getattr(import_module(module), function)(django_apps, None)
    manager = StaffUserFactory(email="seed-manager@example.com", roles=[StaffRole.MANAGER])
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    WarehouseFactory(code="WAW", name="Warszawa")
    stocked_product(500, mad, sku="DRILL-18V", name="Taladro 18 V", unit_price=Decimal("100"))
    stocked_product(500, mad, sku="GLOVES-L", unit_price=Decimal("4.95"), tax_category="reduced")
    companies = [CompanyFactory()]  # one: each document is a PDF rendering (~1 s)
    lines = [{"sku": "DRILL-18V", "quantity": 2}, {"sku": "GLOVES-L", "quantity": 10}]

    def place(company, **kwargs):
        with _committed():
            return orders.place_order(
                actor=manager, company=company, lines=lines, po_number="SEED", **kwargs
            )

    def step(function, order, **kwargs):
        with _committed():
            return function(order=order, actor=manager, **kwargs)

    ship = {
        "carrier": orders.resolve_carrier("seur"),
        "tracking_number": "TRK-SEED-1",
        "estimated_delivery": timezone.localdate() + dt.timedelta(days=2),
    }
    for company in companies:
        place(company)  # pendiente
        step(orders.hold_order, place(company), note="Seed: on hold")
        step(orders.prepare_order, place(company))  # en_preparacion
        step(orders.ship_order, step(orders.prepare_order, place(company)), **ship)  # enviado
        delivered = step(
            orders.deliver_order,
            step(orders.ship_order, step(orders.prepare_order, place(company)), **ship),
        )
        step(orders.record_payment, delivered, amount=delivered.total)
        step(orders.cancel_order, place(company), reason="Seed: cancelled")

    statuses = set(Order.objects.values_list("status", flat=True))
    assert statuses == set(OrderStatus.values), statuses
    assert Order.objects.filter(on_hold=True).exists()
    assert DocumentFile.objects.filter(status=DocumentStatus.READY).exists()
    assert Invoice.objects.exists()
    return Seed(
        order_numbers=list(Order.objects.order_by("pk").values_list("number", flat=True)),
        invoice_numbers=list(Invoice.objects.order_by("pk").values_list("number", flat=True)),
        company_ids=[c.pk for c in companies],
        category_ids=list(Category.objects.values_list("pk", flat=True)),
        skus=list(Product.objects.values_list("sku", flat=True)),
        warehouse_codes=list(Warehouse.objects.values_list("code", flat=True)),
    )
