"""The database unreachable: 503 at once, with ``Retry-After``, in the API's JSON shape
or as a friendly translated page; never a 500 or a traceback. (The real thing, a
PostgreSQL restarted under load, is ``tests/test_faults.py``.)"""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client
from rest_framework.test import APIClient

from apikeys.services import create_api_key

TITLE = {"en": "The service is temporarily unavailable."}


def _client(language):
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.urls("tests.error_urls")
def test_api_answers_503_json_when_the_database_is_down(db):
    response = _client("en").get("/api/v1/db-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "code": "service_unavailable",
        "detail": "The service is temporarily unavailable. Please try again in a few moments.",
    }


@pytest.mark.urls("tests.error_urls")
def test_pages_answer_a_friendly_503_when_the_database_is_down(db):
    response = _client("en").get("/backoffice/db-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert TITLE["en"] in html and 'data-status="503"' in html
    assert "Traceback" not in html and "OperationalError" not in html


@pytest.mark.parametrize("exc", [OperationalError, InterfaceError])
@pytest.mark.django_db
def test_an_api_write_whose_database_fails_answers_503(monkeypatch, company, exc):
    """Raised inside a DRF view (the order service), the API's handler answers it."""
    from orders import services as orders

    def down(**kwargs):
        raise exc("server closed the connection unexpectedly")

    monkeypatch.setattr(orders, "place_order", down)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {create_api_key(name='ERP')[1]}")
    response = client.post(
        "/api/v1/orders/",
        {"customer": company.pk, "po_number": "PO-1", "lines": [{"sku": "X", "quantity": 1}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-503",
    )
    assert response.status_code == 503, response.content
    assert response.json()["code"] == "service_unavailable"
    assert response["Retry-After"] == "5"


@pytest.mark.parametrize("language", ["es", "en", "pl"])
@pytest.mark.django_db
def test_a_session_read_failing_in_a_middleware_is_a_translated_503_page(
    language, manager, monkeypatch
):
    client = _client(language)
    client.force_login(manager)

    def down(self, *args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(SessionStore, "load", down)
    response = client.get("/backoffice/")
    assert response.status_code == 503
    html = response.content.decode()
    # In the reader's language (the es and pl texts come with the catalogs).
    assert f'<html lang="{language}">' in html and 'data-status="503"' in html
    if language == "en":
        assert TITLE["en"] in html


@pytest.mark.django_db
def test_a_key_that_cannot_be_released_still_answers_503(monkeypatch, company):
    """The database went away mid-request: releasing the Idempotency-Key fails too; the
    answer is still the 503 (the key is taken over after IDEMPOTENCY_LOCK_TIMEOUT)."""
    from core.api import idempotency
    from orders import services as orders

    def down(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(orders, "place_order", down)
    monkeypatch.setattr(idempotency, "release", down)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {create_api_key(name='ERP')[1]}")
    response = client.post(
        "/api/v1/orders/",
        {"customer": company.pk, "po_number": "PO-2", "lines": [{"sku": "X", "quantity": 1}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-unreleased",
    )
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
