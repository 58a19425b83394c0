"""Cursor pagination (stable while rows are inserted) and updated_since on lists."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures
from customers.models import Company
from customers.tests.factories import CompanyFactory

CUSTOMERS = "/api/v1/customers/"


@pytest.fixture
def client(api, seller_key):
    return api(seller_key)


def walk(client, url, params, between_pages=None):
    seen, pages = [], 0
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        pages += 1
        if between_pages:
            between_pages(pages)
        if not body["next"]:
            return seen, pages
        response = client.get(body["next"])


def test_pages_are_stable_while_rows_are_inserted(client):
    initial = [CompanyFactory().pk for _ in range(7)]
    inserted = []

    def insert(page):
        inserted.append(CompanyFactory(legal_name=f"AAA inserted {page}").pk)

    seen, pages = walk(client, CUSTOMERS, {"page_size": 3}, between_pages=insert)
    assert seen[: len(initial)] == initial  # original rows first, in id order
    assert len(seen) == len(set(seen))  # nothing twice
    assert set(initial) <= set(seen)  # nothing skipped
    assert seen == sorted(seen)
    assert pages >= 3


def test_previous_link_walks_back(client):
    ids = [CompanyFactory().pk for _ in range(5)]
    first = client.get(CUSTOMERS, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == ids[2:4]
    back = client.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == ids[:2]


def test_page_size_is_capped_at_500(client):
    Company.objects.bulk_create(
        [
            Company(
                legal_name=f"Bulk {n}",
                tax_id=f"FR{n:011d}",
                email=f"b{n}@x.example",
                line1="x",
                postal_code="1",
                city="Paris",
                country="FR",
            )
            for n in range(502)
        ]
    )
    body = client.get(CUSTOMERS, {"page_size": 1000}).json()
    assert len(body["results"]) == 500
    assert body["next"]


@pytest.mark.parametrize("cursor", ["garbage", "cD1hYmM=", "bz0tMQ=="])
def test_invalid_cursor_is_400(client, cursor):
    CompanyFactory()
    response = client.get(CUSTOMERS, {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_updated_since_returns_rows_changed_since(client):
    old, recent = CompanyFactory(), CompanyFactory()
    Company.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=3))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    ids = [row["id"] for row in client.get(CUSTOMERS, {"updated_since": since}).json()["results"]]
    assert ids == [recent.pk]


def test_updated_since_accepts_dates_and_naive_times(client):
    CompanyFactory()
    assert client.get(CUSTOMERS, {"updated_since": "2020-01-01"}).status_code in (200, 400)
    response = client.get(CUSTOMERS, {"updated_since": "2020-01-01T00:00:00"})
    assert response.status_code == 200 and len(response.json()["results"]) == 1
    # Offsets PostgreSQL would refuse as such are converted to UTC first.
    response = client.get(CUSTOMERS, {"updated_since": "2020-01-01T00:00:00+22:38"})
    assert response.status_code == 200 and len(response.json()["results"]) == 1


@pytest.mark.parametrize(
    "value", ["yesterday", "2024-13-01T00:00:00Z", "9999-12-31T23:59:59-23:59"]
)
def test_invalid_updated_since_is_400(client, value):
    response = client.get(CUSTOMERS, {"updated_since": value})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert "updated_since" in response.json()["fields"]
