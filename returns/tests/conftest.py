"""Fixtures of the returns tests: three categories with their policies, products in
two VAT rates, orders moved to delivered through the real services, returns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apikeys.tests.api_fixtures import (  # noqa: F401
    api,
    company_key,
    other_company_key,
    seller_key,
)
from inventory.tests.factories import CategoryFactory, WarehouseFactory
from orders import services as orders
from orders.tests.factories import stocked_product
from pricing.tests.factories import price_every_product
from returns import services


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def flush(django_capture_on_commit_callbacks):
    def _flush():
        return django_capture_on_commit_callbacks(execute=True)

    return _flush


@pytest.fixture
def warehouses(db):
    return (
        WarehouseFactory(code="MAD", name="Madrid", is_default=True),
        WarehouseFactory(code="WAW", name="Warszawa", address="ul. Łódzka 5, 00-001 Warszawa"),
    )


@pytest.fixture
def categories(db):
    return {
        "electronics": CategoryFactory(
            name="Electrónica",
            return_window_days=14,
            restocking_fee_percent=Decimal("15.00"),
        ),
        "office": CategoryFactory(name="Material de oficina", return_window_days=7),
        "custom": CategoryFactory(name="Personalizados", returnable=False, return_window_days=0),
    }


@pytest.fixture
def products(warehouses, categories):
    mad, _waw = warehouses
    return {
        "drill": stocked_product(
            50,
            mad,
            sku="DRILL-18V",
            name="Taladro 18 V",
            unit_price=Decimal("100.00"),
            category=categories["electronics"],
        ),
        "paper": stocked_product(
            500,
            mad,
            sku="PAPER-A4",
            name="Papel A4",
            unit_price=Decimal("4.95"),
            tax_category="reduced",
            category=categories["office"],
        ),
        "mug": stocked_product(
            40,
            mad,
            sku="MUG-LOGO",
            name="Taza con logotipo",
            unit_price=Decimal("6.00"),
            category=categories["custom"],
        ),
    }


DEFAULT_LINES = [
    {"sku": "DRILL-18V", "quantity": 2},
    {"sku": "PAPER-A4", "quantity": 10},
    {"sku": "MUG-LOGO", "quantity": 5},
]


@pytest.fixture
def delivered(products, manager, flush):
    """``delivered(company, lines=..., delivered_at=..., coupon=...)``: an order placed,
    prepared, shipped and delivered through the orders services."""

    def _delivered(company, *, lines=None, delivered_at=None, coupon=None):
        if company.currency != "EUR":
            price_every_product(company.currency)  # its list's prices for what it orders
        with flush():
            order = orders.place_order(
                actor=manager,
                company=company,
                lines=lines or DEFAULT_LINES,
                po_number="PO-RMA",
                coupon=coupon,
            )
        if order.on_hold:
            order = orders.release_order(order=order, actor=manager, note="ok")
        with flush():
            order = orders.prepare_order(order=order, actor=manager)
        with flush():
            order = orders.ship_order(
                order=order,
                actor=manager,
                carrier=orders.resolve_carrier("seur"),
                tracking_number="TRK1",
                estimated_delivery=timezone.localdate() + dt.timedelta(days=2),
            )
        with flush():
            order = orders.deliver_order(
                order=order,
                actor=manager,
                delivered_at=delivered_at or timezone.now() - dt.timedelta(days=3),
            )
        return order

    return _delivered


@pytest.fixture
def order(company, delivered):
    return delivered(company)


@pytest.fixture
def request_return(buyer, flush):
    """``request_return(order, lines=..., resolution=..., actor=...)``."""

    def _request(order, lines=None, resolution="refund", actor=None, **kwargs):
        with flush():
            return services.request_return(
                actor=actor or buyer,
                order=order,
                lines=lines or [{"sku": "DRILL-18V", "quantity": 1, "reason": "no_longer_needed"}],
                resolution=resolution,
                **kwargs,
            )

    return _request


@pytest.fixture
def walk(manager, flush):
    """``walk(ret, to="resuelta", grades=..., resolution=...)``: move a return along."""

    def _walk(ret, to="resuelta", grades=None, resolution=None, shipping_cost=None):
        steps = ["autorizada", "recibida", "inspeccionada", "resuelta"]
        for step in steps[: steps.index(to) + 1]:
            with flush():
                if step == "autorizada":
                    ret = services.authorize_return(ret=ret, actor=manager)
                elif step == "recibida":
                    ret = services.receive_return(
                        ret=ret, actor=manager, shipping_cost=shipping_cost
                    )
                elif step == "inspeccionada":
                    ret = services.inspect_return(
                        ret=ret,
                        actor=manager,
                        lines=grades
                        or [
                            {"sku": line.sku, "condition": "resellable"} for line in ret.lines.all()
                        ],
                    )
                else:
                    ret = services.resolve_return(ret=ret, actor=manager, resolution=resolution)
        return ret

    return _walk


def png_bytes(size=(8, 8)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()
