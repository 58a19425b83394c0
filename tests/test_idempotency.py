"""Idempotency-Key on POST: replay, reuse with another body, concurrency, expiry."""

import json
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from apikeys.models import ApiKey
from apikeys.services import create_api_key
from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures
from core.api import idempotency
from core.models import IdempotencyRecord
from core.tasks import purge_api_records
from customers import services
from customers.models import Company
from tests.test_api_errors import customer_body

CUSTOMERS = "/api/v1/customers/"


@pytest.fixture
def client(api, seller_key):
    return api(seller_key)


def post(client, body, key="order-sync-1", **extra):
    return client.post(CUSTOMERS, body, format="json", HTTP_IDEMPOTENCY_KEY=key, **extra)


def test_replay_returns_the_original_status_and_body_without_a_second_effect(client):
    first = post(client, customer_body())
    assert first.status_code == 201
    again = post(client, customer_body())
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Company.objects.count() == 1


def test_errors_are_replayed_too(client):
    first = post(client, customer_body(tax_id="bad"))
    assert first.status_code == 400
    again = post(client, customer_body(tax_id="bad"))
    assert (again.status_code, again.json()) == (400, first.json())


def test_same_key_with_another_body_is_409_reused(client):
    assert post(client, customer_body()).status_code == 201
    response = post(client, customer_body(name="Otra S.L."))
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Company.objects.count() == 1


def test_keys_are_per_client(api, client):
    other = api(create_api_key(name="Other ERP")[1])
    assert post(client, customer_body()).status_code == 201
    # Same key, another client: its own request (here refused as a duplicate tax id).
    response = post(other, customer_body())
    assert response.status_code == 400
    assert "Idempotent-Replayed" not in response


def test_without_a_key_each_post_is_new(client):
    assert client.post(CUSTOMERS, customer_body(), format="json").status_code == 201
    assert client.post(CUSTOMERS, customer_body(), format="json").status_code == 400


def _unfinished_record(raw: bytes, *, age: timedelta = timedelta(0)) -> IdempotencyRecord:
    api_key = ApiKey.objects.get()
    return IdempotencyRecord.objects.create(
        client=f"key:{api_key.pk}",
        key="order-sync-1",
        request_hash=idempotency.fingerprint("POST", CUSTOMERS, raw),
        created_at=timezone.now() - age,
    )


def test_a_running_first_request_makes_repeats_409_in_progress(client):
    raw = json.dumps(customer_body()).encode()
    _unfinished_record(raw)
    response = client.generic(
        "POST", CUSTOMERS, raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY="order-sync-1"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"
    assert Company.objects.count() == 0


def test_a_first_request_that_died_is_taken_over_after_the_lock_timeout(client):
    raw = json.dumps(customer_body()).encode()
    _unfinished_record(raw, age=timedelta(hours=1))
    response = client.generic(
        "POST", CUSTOMERS, raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY="order-sync-1"
    )
    assert response.status_code == 201
    assert IdempotencyRecord.objects.get().response_status == 201


@pytest.mark.parametrize("key", ["k" * 256, "", "two words", "clé"])
def test_malformed_key_is_400(client, key):
    response = post(client, customer_body(), key=key)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert Company.objects.count() == 0


def test_server_errors_release_the_key(client, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(services, "create_company", crash)
    with pytest.raises(RuntimeError):
        post(client, customer_body())
    assert not IdempotencyRecord.objects.exists()
    monkeypatch.undo()
    assert post(client, customer_body()).status_code == 201


def test_keys_expire_after_24_hours_and_are_purged(client):
    assert post(client, customer_body()).status_code == 201
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=23))
    purge_api_records()
    assert IdempotencyRecord.objects.count() == 1
    assert post(client, customer_body()).status_code == 201  # still a replay
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    # Expired: the key is free again (this body is now a duplicate customer: 400).
    assert post(client, customer_body()).status_code == 400
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    purge_api_records()
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locking (CI runs it)"
)
def test_eight_concurrent_requests_with_one_key_have_exactly_one_effect(monkeypatch):
    raw_key = create_api_key(name="ERP")[1]
    real_create = services.create_company

    def slow_create(**kwargs):
        time.sleep(0.5)  # keep the first request running while the others arrive
        return real_create(**kwargs)

    monkeypatch.setattr(services, "create_company", slow_create)
    barrier = threading.Barrier(8)
    results = []
    lock = threading.Lock()

    def worker():
        try:
            client = Client(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
            barrier.wait()
            response = client.post(
                CUSTOMERS,
                customer_body(),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="same-key",
            )
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Company.objects.count() == 1
    statuses = sorted(status for status, _body in results)
    assert statuses.count(201) >= 1
    created = [body for status, body in results if status == 201]
    assert all(body == created[0] for body in created)
    for status, body in results:
        assert status == 201 or (status, body["code"]) == (409, "idempotency_key_in_progress")
    assert statuses.count(409) >= 1  # the others arrived while the first was running
