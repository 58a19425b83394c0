"""Every error answers {"code", "detail", "fields"?}; bad bodies change nothing."""

import json

import pytest
from django.db import IntegrityError
from django.test import override_settings

from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures
from core.api.exceptions import api_exception_handler
from core.errors import Conflict, DomainError
from customers.models import Company

CUSTOMERS = "/api/v1/customers/"


def customer_body(**overrides):
    body = {
        "name": "Suministros Norte S.L.",
        "tax_id": "ESB12345674",
        "email": "compras@norte.example",
        "language": "es",
        "currency": "EUR",
        "payment_terms": "net30",
        "credit_limit": "5000.00",
        "billing_address": {
            "line1": "Calle Mayor 1",
            "city": "Bilbao",
            "postal_code": "48001",
            "country": "ES",
        },
    }
    body.update(overrides)
    return body


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    assert set(body) <= {"code", "detail", "fields"}
    return body


@pytest.fixture
def client(api, seller_key):
    return api(seller_key)


def post_raw(client, data: bytes, content_type="application/json", **extra):
    return client.generic("POST", CUSTOMERS, data, content_type=content_type, **extra)


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"\xff\xfe{}",
        b'{"name": NaN}',
        b"",
    ],
)
def test_invalid_json_is_400_and_changes_nothing(client, raw):
    before = Company.objects.count()
    response = post_raw(client, raw)
    assert response.status_code == 400
    assert response.json()["code"] in ("parse_error", "validation_error")
    assert Company.objects.count() == before


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"42", b"null"])
def test_a_body_that_is_not_an_object_is_400(client, raw):
    body = assert_error(post_raw(client, raw), 400, "validation_error")
    assert "non_field_errors" in body["fields"]
    assert Company.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [
        json.dumps(customer_body(name="Nul\u0000Byte")).encode(),
        json.dumps(customer_body(name="\ud800lone")).encode(),
        b'{"name": "x\\udc00y"}',
        b'{"na\\u0000me": "x"}',
    ],
)
def test_nul_bytes_and_lone_surrogates_are_400(client, raw):
    assert_error(post_raw(client, raw), 400, "parse_error")
    assert Company.objects.count() == 0


def test_nul_in_query_string_is_400(client):
    assert_error(client.get(CUSTOMERS, {"external_ref": "a\x00b"}), 400, "invalid_characters")


@override_settings(API_MAX_BODY_BYTES=1000)
def test_too_large_body_is_413(client):
    raw = json.dumps(customer_body(name="x" * 2000)).encode()
    assert_error(post_raw(client, raw), 413, "payload_too_large")
    assert Company.objects.count() == 0


def test_form_encoded_body_is_415(client):
    response = client.post(CUSTOMERS, {"name": "x"})  # multipart by default
    assert_error(response, 415, "unsupported_media_type")


def test_validation_errors_name_their_fields(client):
    body = assert_error(
        client.post(CUSTOMERS, {"name": "", "billing_address": {"city": "X"}}, format="json"),
        400,
        "validation_error",
    )
    assert {"name", "tax_id", "email", "billing_address.line1"} <= set(body["fields"])
    assert all(isinstance(m, list) and m for m in body["fields"].values())


def test_unknown_object_is_404(client):
    assert_error(client.get(f"{CUSTOMERS}999999/"), 404, "not_found")
    assert_error(client.get(f"{CUSTOMERS}not-a-number/"), 404, "not_found")


def test_unknown_api_url_is_404_json(client):
    assert_error(client.get("/api/v1/no-such-thing/"), 404, "not_found")


def test_unsupported_method_is_405(client):
    response = client.put(f"{CUSTOMERS}1/", {}, format="json")
    assert_error(response, 405, "method_not_allowed")
    assert_error(client.delete(CUSTOMERS), 405, "method_not_allowed")


@override_settings(API_RATE_LIMITS={"seller": "3/min", "company": "3/min", "staff": "3/min"})
def test_throttled_is_429_with_retry_after(client):
    for _ in range(3):
        assert client.get(CUSTOMERS).status_code == 200
    response = client.get(CUSTOMERS)
    assert_error(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60


@override_settings(API_RATE_LIMITS={"seller": "2/min", "company": "2/min", "staff": "2/min"})
def test_throttling_is_per_key(api, db):
    from apikeys.services import create_api_key

    first, second = create_api_key(name="A")[1], create_api_key(name="B")[1]
    for _ in range(2):
        api(first).get(CUSTOMERS)
    assert api(first).get(CUSTOMERS).status_code == 429
    assert api(second).get(CUSTOMERS).status_code == 200


def test_domain_errors_keep_their_code_status_and_fields(client, monkeypatch):
    def refuse(**kwargs):
        raise DomainError("No way", code="credit_blocked", fields={"credit_limit": ["Too high"]})

    monkeypatch.setattr("customers.services.create_company", refuse)
    body = assert_error(
        client.post(CUSTOMERS, customer_body(), format="json"), 400, "credit_blocked"
    )
    assert body["fields"] == {"credit_limit": ["Too high"]}

    def conflict(**kwargs):
        raise Conflict("Busy", code="busy")

    monkeypatch.setattr("customers.services.create_company", conflict)
    assert_error(client.post(CUSTOMERS, customer_body(), format="json"), 409, "busy")


def test_model_validation_errors_use_api_field_names(client):
    body = assert_error(
        client.post(CUSTOMERS, customer_body(tax_id="XX123"), format="json"),
        400,
        "validation_error",
    )
    assert "tax_id" in body["fields"]


def test_database_unique_violation_is_409_and_rolls_back(client, monkeypatch):
    assert client.post(CUSTOMERS, customer_body(), format="json").status_code == 201
    # Skip the model's own uniqueness check, as a concurrent insert would.
    monkeypatch.setattr(Company, "validate_unique", lambda self, exclude=None: None)
    response = client.post(CUSTOMERS, customer_body(name="Duplicate S.L."), format="json")
    assert_error(response, 409, "already_exists")
    assert Company.objects.count() == 1


@pytest.mark.parametrize(
    ("message", "status", "code"),
    [
        ('duplicate key value violates unique constraint "x"', 409, "already_exists"),
        ("UNIQUE constraint failed: customers_company.tax_id", 409, "already_exists"),
        ('null value in column "x" violates not-null constraint', 400, "integrity_error"),
        ("FOREIGN KEY constraint failed", 400, "integrity_error"),
    ],
)
def test_integrity_errors_become_400_or_409(message, status, code):
    response = api_exception_handler(IntegrityError(message), {"view": None})
    assert response.status_code == status
    assert response.data["code"] == code
