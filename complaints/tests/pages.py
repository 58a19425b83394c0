"""Fixtures of the complaint page tests (back-office and portal): a delivered order,
complaints filed and moved along through the real services and the action registry."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inventory.tests.factories import CategoryFactory, WarehouseFactory
from orders import services as orders
from orders.tests.factories import stocked_product

LANGUAGES = ["es", "en", "pl"]


def png_bytes(size=(8, 8)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def photo(name="IMG_0001.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def client_in(client_for, user, language="en"):
    client = client_for(user)
    client.cookies["django_language"] = language
    return client


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
def products(db):
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    tools = CategoryFactory(name="Herramientas")
    return {
        "drill": stocked_product(
            50,
            mad,
            sku="DRILL-18V",
            name="Taladro 18 V",
            unit_price=Decimal("100.00"),
            category=tools,
        ),
        "paper": stocked_product(
            500,
            mad,
            sku="PAPER-A4",
            name="Papel A4",
            unit_price=Decimal("4.95"),
            category=tools,
        ),
    }


@pytest.fixture
def delivered(products, manager, flush):
    """``delivered(company)``: an order placed, prepared, shipped and delivered."""

    def _delivered(company):
        with flush():
            order = orders.place_order(
                actor=manager,
                company=company,
                lines=[{"sku": "DRILL-18V", "quantity": 2}, {"sku": "PAPER-A4", "quantity": 10}],
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
                carrier=orders.resolve_carrier("seur"),
                tracking_number="TRK-REC",
                estimated_delivery=timezone.localdate() + dt.timedelta(days=2),
            )
        with flush():
            return orders.deliver_order(
                order=order, actor=manager, delivered_at=timezone.now() - dt.timedelta(days=2)
            )

    return _delivered


@pytest.fixture
def order(company, delivered):
    return delivered(company)


@pytest.fixture
def file_complaint(buyer, flush):
    """``file_complaint(company=..., order=..., sku=..., actor=...)`` through the service."""
    from complaints import services

    def _file(
        *,
        company=None,
        order=None,
        sku=None,
        actor=None,
        category="damage",
        description="The drill arrived broken.",
        **kwargs,
    ):
        actor = actor or buyer
        with flush():
            return services.file_complaint(
                actor=actor,
                company=company or actor.company,
                order=order.number if order is not None else None,
                sku=sku,
                category=category,
                description=description,
                **kwargs,
            )

    return _file


@pytest.fixture
def perform(manager, flush):
    """``perform(complaint, "decide", actor=..., decision=..., reasoning=...)``."""
    from complaints.actions import registry
    from complaints.models import Complaint

    def _perform(complaint, name, actor=None, **data):
        with flush():
            registry.perform(name, complaint, actor or manager, **data)
        return Complaint.objects.get(pk=complaint.pk)

    return _perform


@pytest.fixture
def walk(perform):
    """``walk(complaint, to="resuelta")``: analysis, an accepted decision, an explanation."""

    def _walk(complaint, to="resuelta"):
        steps = ["en_analisis", "decidida", "resuelta", "cerrada"]
        for step in steps[: steps.index(to) + 1]:
            if step == "en_analisis":
                complaint = perform(complaint, "start_analysis")
            elif step == "decidida":
                complaint = perform(
                    complaint, "decide", decision="accepted", reasoning="Broken in transport."
                )
            elif step == "resuelta":
                complaint = perform(
                    complaint, "resolve", resolution="explanation", note="We will take care."
                )
            else:
                complaint = perform(complaint, "close")
        return complaint

    return _walk
