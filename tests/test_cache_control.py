"""Nothing behind a sign-in, and nothing from the API, is kept by a cache."""

import pytest
from django.urls import reverse
from django.utils.cache import cc_delim_re

from apikeys.tests.api_fixtures import api, seller_key  # noqa: F401


def vary(response):
    return {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h}


@pytest.mark.django_db
def test_backoffice_pages_are_private(client_for, manager):
    response = client_for(manager).get(reverse("backoffice:home"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_portal_pages_are_private(client_for, buyer):
    response = client_for(buyer).get(reverse("portal:home"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_sign_in_page_is_not_stored(client):
    # never_cache's own header (no-store among others) is kept.
    directives = client.get(reverse("portal:login"))["Cache-Control"].split(", ")
    assert {"private", "no-store"} <= set(directives)


@pytest.mark.django_db
def test_csv_export_is_private(client_for, manager):
    response = client_for(manager).get(reverse("backoffice:stock_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_api_responses_are_private_and_vary_on_authorization(api, seller_key):  # noqa: F811
    response = api(seller_key).get("/api/v1/customers/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "authorization" in vary(response)
    # Errors too.
    response = api("not-a-key").get("/api/v1/customers/")
    assert response.status_code in (401, 403)
    assert response["Cache-Control"] == "private, no-store"
    assert "authorization" in vary(response)


@pytest.mark.django_db
def test_public_pages_are_left_alone(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "Cache-Control" not in response
