"""Strict input: numbers and dates in ASCII digits only, JSON objects without repeated
keys, and bodies with a length (a chunked body is a 411, through a real HTTP server)."""

import ast
import json
import socket
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures
from core.api import serializers
from inventory.tests.factories import CategoryFactory, WarehouseFactory
from orders.models import Order
from orders.tests.factories import stocked_product

ORDERS = "/api/v1/orders/"
PRODUCTS = "/api/v1/products/"

# Arabic-Indic, Extended Arabic-Indic (Persian), fullwidth and Devanagari three; "1_000".
NOT_ASCII = ["٣", "۳", "３", "३", "1_0"]


@pytest.fixture
def drill(db):
    warehouse = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    return stocked_product(50, warehouse, sku="DRILL-18V", unit_price=Decimal("100.00"))


def order_body(company, quantity):
    return {"customer": company.pk, "lines": [{"sku": "DRILL-18V", "quantity": quantity}]}


@pytest.mark.parametrize("quantity", NOT_ASCII)
def test_quantity_in_other_digits_is_400(api, seller_key, company, drill, quantity):
    response = api(seller_key).post(ORDERS, order_body(company, quantity), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "validation_error"
    assert list(response.json()["fields"]) == ["lines.0.quantity"]
    assert not Order.objects.exists()


def test_quantity_in_ascii_digits_is_accepted(api, seller_key, company, drill):
    response = api(seller_key).post(ORDERS, order_body(company, "3"), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["lines"][0]["quantity"] == 3


@pytest.mark.parametrize("price", ["١٠٠.٠٠", "１００", "1_00.00"])
def test_decimal_in_other_digits_is_400(api, seller_key, db, price):
    body = {"sku": "X-1", "name": "X", "category": CategoryFactory().pk, "unit_price": price}
    response = api(seller_key).post(PRODUCTS, body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == ["unit_price"]


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        (serializers.IntegerField(), "12", "١٢"),
        (serializers.DecimalField(max_digits=5, decimal_places=2), "1.50", "١.٥٠"),
        (serializers.DateField(), "2030-01-02", "٢٠٣٠-01-02"),
        (serializers.DateTimeField(), "2030-01-02T10:00:00Z", "2030-01-02T10:00:0٣Z"),
    ],
)
def test_strict_fields(field, good, bad):
    field.to_internal_value(good)
    with pytest.raises(serializers.ValidationError) as caught:
        field.to_internal_value(bad)
    assert caught.value.detail[0].code == "ascii_digits"


def test_model_serializers_map_to_the_strict_fields():
    from orders.models import Payment

    class PaymentIn(serializers.ModelSerializer):
        class Meta:
            model = Payment
            fields = ["amount", "paid_at"]

    fields = PaymentIn().fields
    assert type(fields["amount"]) is serializers.DecimalField
    assert type(fields["paid_at"]) is serializers.DateTimeField


def test_every_api_module_uses_the_strict_serializers():
    """DRF's own module parses "٣" as 3: API code imports ``core.api.serializers``."""
    offenders = []
    for path in sorted(Path(settings.BASE_DIR).glob("*/api/*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "rest_framework":
                if any(alias.name == "serializers" for alias in node.names):
                    offenders.append(str(path))
            elif isinstance(node, ast.ImportFrom) and node.module == "rest_framework.serializers":
                offenders.append(str(path))
    offenders = [p for p in offenders if not p.endswith(("core/api/serializers.py", "schema.py"))]
    assert offenders == []


# --- JSON -------------------------------------------------------------------------------


def test_duplicate_keys_are_400(api, seller_key, company, other_company, drill):
    lines = '"lines": [{"sku": "DRILL-18V", "quantity": 1}]'
    raw = f'{{"customer": {other_company.pk}, "customer": {company.pk}, {lines}}}'
    response = api(seller_key).generic("POST", ORDERS, raw, content_type="application/json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "parse_error" and '"customer"' in body["detail"]
    assert not Order.objects.exists()


def test_duplicate_keys_in_nested_objects_are_400(api, seller_key, company, drill):
    raw = json.dumps(order_body(company, 1)).replace('"quantity": 1', '"quantity": 1, "sku": "X"')
    response = api(seller_key).generic("POST", ORDERS, raw, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


# --- a body without a length, through a real HTTP server --------------------------------


def _raw_post(live_server, path, headers, body_chunks):
    host, port = live_server.url.removeprefix("http://").split(":")
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close", *headers]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    for chunk in body_chunks:
        request += f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    request += b"0\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while data := sock.recv(65536):
            answer += data
    head, _, payload = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode("latin-1"), payload


@pytest.mark.django_db(transaction=True)
def test_chunked_body_is_411_with_the_error_body(live_server, company):
    from apikeys.services import create_api_key

    key = create_api_key(name="ERP")[1]
    body = json.dumps({"customer": company.pk, "lines": [{"sku": "A", "quantity": 1}]})
    status, head, payload = _raw_post(
        live_server,
        ORDERS,
        [
            f"Authorization: Api-Key {key}",
            "Content-Type: application/json",
            "Transfer-Encoding: chunked",
        ],
        [body.encode()[:10], body.encode()[10:]],
    )
    assert status == 411, (head, payload)
    assert "application/json" in head
    assert json.loads(payload)["code"] == "length_required"
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("param", "value"),
    [("customer", "٣"), ("created_after", "٢٠٢٦-01-01"), ("updated_since", "２０２６-01-01")],
)
def test_filters_in_other_digits_are_400(api, seller_key, company, param, value):
    response = api(seller_key).get(ORDERS, {param: value})
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == [param]
    assert api(seller_key).get(ORDERS, {param: value.translate(ASCII)}).status_code == 200


ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩０１２３４５６７８９", "01234567890123456789")
