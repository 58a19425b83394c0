"""The ERP's whole order flow over real HTTP, every action endpoint, after the side
effects have happened: the invoice, packing list and shipping label exist (Celery runs
in-process on commit) when the order is shipped, delivered and cancelled.

The last round's suite passed while every action answered 500 once an order had its
documents; these tests drive exactly that path and read every response body."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
import requests
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from apikeys.services import create_api_key
from core.models import IdempotencyRecord
from documents.tests.fixtures import private_media, products, warehouses  # noqa: F401
from orders.api import serializers as order_serializers
from orders.models import Order, OrderStatus

pytestmark = pytest.mark.django_db(transaction=True)

LINES = [
    {"sku": "DRILL-18V", "quantity": 2},
    {"sku": "GLOVES-L", "quantity": 10},
    {"sku": "SHOVEL-PL", "quantity": 3},
]


class Erp:
    """A small ERP client: every POST carries a fresh ``Idempotency-Key``."""

    def __init__(self, base, key):
        self.base = base.rstrip("/") + "/api/v1"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Api-Key {key}"
        self.last_key = None

    def get(self, path):
        return self.session.get(self.base + path, timeout=30)

    def post(self, path, data=None, key=None):
        self.last_key = key or uuid.uuid4().hex
        return self.session.post(
            self.base + path,
            json=data or {},
            headers={"Idempotency-Key": self.last_key},
            timeout=60,
        )


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.text[:2000])
    return response.json()


def documents_by_kind(order_body):
    return {document["kind"]: document for document in order_body["documents"]}


@pytest.fixture
def erp(live_server, products):  # noqa: F811
    return Erp(live_server.url, create_api_key(name="ERP")[1])


def test_the_whole_lifecycle_through_every_action(erp, company, live_server):
    # Place.
    placed = ok(
        erp.post("/orders/", {"customer": company.pk, "po_number": "PO-1", "lines": LINES}), 201
    )
    number = placed["number"]
    assert placed["status"] == OrderStatus.PENDIENTE and placed["on_hold"] is False
    assert [line["sku"] for line in placed["lines"]] == ["DRILL-18V", "GLOVES-L", "SHOVEL-PL"]
    assert placed["documents"] == []
    total = Decimal(placed["totals"]["total"])

    # Hold and release.
    held = ok(erp.post(f"/orders/{number}/hold/", {"note": "Check the address"}))
    assert held["on_hold"] is True and held["status"] == OrderStatus.PENDIENTE
    refused = erp.post(f"/orders/{number}/prepare/")
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] in {"transition_not_allowed", "checks_failed"}
    released = ok(erp.post(f"/orders/{number}/release/", {"note": "Address confirmed"}))
    assert released["on_hold"] is False

    # Prepare: the invoice is issued and the three PDFs are rendered after commit.
    prepared = ok(erp.post(f"/orders/{number}/prepare/", {"note": "Picking"}))
    assert prepared["status"] == OrderStatus.EN_PREPARACION
    detail = ok(erp.get(f"/orders/{number}/"))
    documents = documents_by_kind(detail)
    assert set(documents) >= {"invoice", "packing-list", "shipping-label"}, documents
    for document in documents.values():
        assert document["status"] == "ready", document
        assert document["pdf"].startswith(live_server.url + "/api/v1/orders/"), document
    assert documents["invoice"]["number"].startswith("FV-")

    # Every PDF link answers with a PDF.
    for document in documents.values():
        pdf = erp.session.get(document["pdf"], timeout=30)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # A payment, once the documents exist.
    paid = ok(erp.post(f"/orders/{number}/payments/", {"amount": str(total)}), 201)
    assert Decimal(paid["amount_paid"]) == total
    assert Decimal(paid["balance_due"]) == 0
    assert paid["payment"]["amount"] == str(total)

    # Ship, with the documents there (this answered 500), and replay the same key.
    ship_body = {
        "carrier": "seur",
        "tracking_number": "TRK-1",
        "estimated_delivery": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
    }
    shipped_response = erp.post(f"/orders/{number}/ship/", ship_body)
    shipped = ok(shipped_response)
    assert shipped["status"] == OrderStatus.ENVIADO
    assert shipped["shipment"]["tracking_number"] == "TRK-1"
    assert documents_by_kind(shipped)["invoice"]["pdf"] == documents["invoice"]["pdf"]
    replay = erp.post(f"/orders/{number}/ship/", ship_body, key=erp.last_key)
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == shipped

    # Deliver.
    delivered = ok(erp.post(f"/orders/{number}/deliver/", {"note": "Signed by the porter"}))
    assert delivered["status"] == OrderStatus.ENTREGADO

    # The timeline has every step; the customer got its emails.
    events = ok(erp.get(f"/orders/{number}/events/"))
    statuses = [event["to_status"] for event in events if event["to_status"]]
    assert statuses[-3:] == [
        OrderStatus.EN_PREPARACION,
        OrderStatus.ENVIADO,
        OrderStatus.ENTREGADO,
    ]
    subjects = " ".join(message.subject for message in mail.outbox)
    assert number in subjects


def test_cancelling_an_invoiced_order_answers_with_its_credit_note(erp, company, live_server):
    number = ok(erp.post("/orders/", {"customer": company.pk, "lines": LINES}), 201)["number"]
    ok(erp.post(f"/orders/{number}/prepare/"))
    cancelled = ok(erp.post(f"/orders/{number}/cancel/", {"reason": "Customer changed plans"}))
    assert cancelled["status"] == OrderStatus.CANCELADO
    documents = documents_by_kind(ok(erp.get(f"/orders/{number}/")))
    assert documents["credit-note"]["number"].startswith("AB-")
    assert documents["credit-note"]["pdf"].startswith(live_server.url)
    # Actions that no longer apply are a clear 409, not a 500.
    for action, body in [
        (
            "ship",
            {
                "carrier": "seur",
                "tracking_number": "X",
                "estimated_delivery": timezone.localdate().isoformat(),
            },
        ),
        ("deliver", {}),
        ("prepare", {}),
        ("cancel", {"reason": "again"}),
    ]:
        response = erp.post(f"/orders/{number}/{action}/", body)
        assert response.status_code == 409, (action, response.text)
        assert response.json()["code"] == "transition_not_allowed"


@pytest.mark.django_db(transaction=False)
def test_a_response_that_fails_after_the_work_loses_nothing(
    company,
    products,  # noqa: F811
    monkeypatch,
):
    """A failure while building the answer rolls the work back with it: the ERP's retry
    with the same key runs the action once, and its replay returns the stored answer."""
    key = create_api_key(name="ERP")[1]
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    body = {"customer": company.pk, "lines": LINES}

    original = order_serializers.OrderDetailSerializer.to_representation
    calls = {"n": 0}

    def fail_once(self, instance):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("rendering failed")
        return original(self, instance)

    monkeypatch.setattr(order_serializers.OrderDetailSerializer, "to_representation", fail_once)

    first = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="po-77")
    assert first.status_code == 500
    assert not Order.objects.exists()  # the placement was rolled back with its answer
    assert not IdempotencyRecord.objects.exists()  # and the key released

    retry = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="po-77")
    assert retry.status_code == 201, retry.content
    assert Order.objects.count() == 1
    replay = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="po-77")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == retry.json()
    assert Order.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert (
        record.response_status == 201 and record.response_body["number"] == retry.json()["number"]
    )
