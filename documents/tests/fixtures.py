"""Fixtures shared by the documents and notifications tests (imported by their
conftest files): products in two VAT rates, orders placed and moved through the
real services, private media in a temporary directory."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.tests.factories import WarehouseFactory
from orders import services as orders
from orders.tests.factories import stocked_product

POLISH = "Łopata żółta ąćęłńóśźż"
SPANISH = "Guantes de albañil ñáéíóú"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def warehouses(db):
    return (
        WarehouseFactory(code="MAD", name="Madrid", is_default=True),
        WarehouseFactory(code="WAW", name="Warszawa", address="ul. Łódzka 5, 00-001 Warszawa"),
    )


@pytest.fixture
def products(warehouses):
    mad, waw = warehouses
    return [
        stocked_product(
            50, mad, sku="DRILL-18V", name="Taladro 18 V", unit_price=Decimal("100.00")
        ),
        stocked_product(
            500,
            mad,
            sku="GLOVES-L",
            name=SPANISH,
            unit_price=Decimal("4.95"),
            tax_category="reduced",
        ),
        stocked_product(
            40,
            waw,
            sku="SHOVEL-PL",
            name=POLISH,
            unit_price=Decimal("12.30"),
            weight_kg=Decimal("2.250"),
        ),
    ]


@pytest.fixture
def flush(django_capture_on_commit_callbacks):
    """``with flush(): ...`` runs what the block schedules after commit (the outbox
    relay, then the eager Celery tasks), as a real commit would."""

    def _flush():
        return django_capture_on_commit_callbacks(execute=True)

    return _flush


@pytest.fixture
def place(products, service_agent, flush):
    """``place(company, **overrides)``: an order of drills, gloves and Polish shovels."""

    def _place(company, **kwargs):
        kwargs.setdefault(
            "lines",
            [
                {"sku": "DRILL-18V", "quantity": 2},
                {"sku": "GLOVES-L", "quantity": 10},
                {"sku": "SHOVEL-PL", "quantity": 3},
            ],
        )
        kwargs.setdefault("po_number", "PO-2026-77")
        kwargs.setdefault("notes", "Entregar por la mañana")
        with flush():
            return orders.place_order(actor=service_agent, company=company, **kwargs)

    return _place


@pytest.fixture
def prepare(service_agent, flush):
    def _prepare(order):
        with flush():
            return orders.prepare_order(order=order, actor=service_agent)

    return _prepare


@pytest.fixture
def ship(manager, flush):
    def _ship(order, carrier="seur"):
        with flush():
            return orders.ship_order(
                order=order,
                actor=manager,
                carrier=orders.resolve_carrier(carrier),
                tracking_number="TRK123456",
                estimated_delivery=timezone.localdate() + dt.timedelta(days=2),
            )

    return _ship


@pytest.fixture
def deliver(manager, flush):
    def _deliver(order):
        with flush():
            return orders.deliver_order(order=order, actor=manager)

    return _deliver


@pytest.fixture
def cancel(service_agent, flush):
    def _cancel(order, reason="El cliente ya no lo necesita"):
        with flush():
            return orders.cancel_order(order=order, actor=service_agent, reason=reason)

    return _cancel


@pytest.fixture
def prepared_order(company, place, prepare):
    return prepare(place(company))
