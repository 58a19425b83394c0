"""Fixtures of the complaints tests: products (one with a supplier), orders moved to
delivered through the real services, complaints filed through the real service."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from apikeys.tests.api_fixtures import (  # noqa: F401
    api,
    company_key,
    other_company_key,
    seller_key,
)
from complaints import services
from inventory.models import Supplier
from inventory.tests.factories import CategoryFactory, WarehouseFactory
from orders import services as orders
from orders.models import Carrier
from orders.tests.factories import stocked_product
from pricing.tests.factories import price_every_product


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
def supplier(db):
    return Supplier.objects.create(
        name="Herramientas Bosque S.A.",
        claims_contact="Marta Ruiz",
        claims_email="calidad@bosque.example",
        claim_window_days=20,
    )


@pytest.fixture
def products(db, supplier):
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    category = CategoryFactory(name="Electrónica", return_window_days=14)
    drill = stocked_product(
        50,
        mad,
        sku="DRILL-18V",
        name="Taladro 18 V",
        unit_price=Decimal("100.00"),
        category=category,
    )
    drill.supplier = supplier
    drill.save(update_fields=["supplier"])
    paper = stocked_product(
        500,
        mad,
        sku="PAPER-A4",
        name="Papel A4",
        unit_price=Decimal("4.95"),
        tax_category="reduced",
        category=category,
    )
    return {"drill": drill, "paper": paper}


@pytest.fixture
def carrier(db):
    carrier = Carrier.objects.get(code="seur")
    carrier.claims_email = "reclamaciones@seur.example"
    carrier.save(update_fields=["claims_email"])
    return carrier


@pytest.fixture
def delivered(products, manager, carrier, flush):
    """``delivered(company, lines=..., delivered_at=...)``: an order placed, prepared,
    shipped and delivered through the orders services."""

    def _delivered(company, *, lines=None, delivered_at=None):
        if company.currency != "EUR":
            price_every_product(company.currency)
        with flush():
            order = orders.place_order(
                actor=manager,
                company=company,
                lines=lines
                or [{"sku": "DRILL-18V", "quantity": 2}, {"sku": "PAPER-A4", "quantity": 10}],
                po_number="PO-REC",
            )
        if order.on_hold:
            order = orders.release_order(order=order, actor=manager, note="ok")
        with flush():
            order = orders.prepare_order(order=order, actor=manager)
        with flush():
            order = orders.ship_order(
                order=order,
                actor=manager,
                carrier=carrier,
                tracking_number="TRK-REC-1",
                estimated_delivery=timezone.localdate() + dt.timedelta(days=2),
            )
        with flush():
            order = orders.deliver_order(
                order=order,
                actor=manager,
                delivered_at=delivered_at or timezone.now() - dt.timedelta(days=2),
            )
        return order

    return _delivered


@pytest.fixture
def order(company, delivered):
    return delivered(company)


@pytest.fixture
def file_complaint(buyer, flush):
    """``file_complaint(actor=..., **fields)`` through the service (buyer by default)."""

    def _file(actor=None, **fields):
        fields.setdefault("category", "quality")
        fields.setdefault("description", "El taladro no arranca.")
        with flush():
            return services.file_complaint(actor=actor or buyer, **fields)

    return _file


@pytest.fixture
def walk(service_agent, flush):
    """``walk(complaint, to=...)``: move a complaint along through the services."""

    def _walk(complaint, to="cerrada", decision="accepted", resolution="explanation", **kw):
        steps = ["en_analisis", "decidida", "resuelta", "cerrada"]
        for step in steps[steps.index(complaint.status) + 1 if complaint.status in steps else 0 :]:
            with flush():
                if step == "en_analisis":
                    complaint = services.start_analysis(complaint=complaint, actor=service_agent)
                elif step == "decidida":
                    complaint = services.decide_complaint(
                        complaint=complaint,
                        actor=service_agent,
                        decision=decision,
                        reasoning="Revisado: defecto de fábrica.",
                    )
                elif step == "resuelta":
                    complaint = services.resolve_complaint(
                        complaint=complaint, actor=service_agent, resolution=resolution, **kw
                    )
                else:
                    complaint = services.close_complaint(complaint=complaint, actor=service_agent)
            if step == to:
                break
        return complaint

    return _walk


def png_bytes(size=(8, 8)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name="photo.png", content=None, content_type="image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content if content is not None else png_bytes(), content_type)
