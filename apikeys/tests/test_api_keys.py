"""API keys: hashed storage, the create_api_key command, revocation, scopes, sessions."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from apikeys.models import ApiKey, ApiKeyScope
from apikeys.services import create_api_key, revoke_api_key
from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures

CUSTOMERS = "/api/v1/customers/"


def test_key_is_stored_hashed_with_a_visible_prefix(db):
    api_key, raw_key = create_api_key(name="ERP")
    row = ApiKey.objects.values().get(pk=api_key.pk)
    assert raw_key not in {str(value) for value in row.values()}
    assert row["hashed_key"] == hashlib.sha256(raw_key.encode()).hexdigest()
    assert raw_key.startswith(f"mk_{api_key.prefix}_")
    assert api_key.scope == ApiKeyScope.SELLER and api_key.company is None


def test_company_key_is_bound_to_its_company(company):
    api_key, _raw = create_api_key(name="Procurement", company=company)
    assert api_key.scope == ApiKeyScope.COMPANY and api_key.company == company


def test_command_prints_the_key_alone_on_the_last_line(db, api):
    out = StringIO()
    call_command("create_api_key", "ERP production", stdout=out)
    raw_key = out.getvalue().strip().splitlines()[-1]
    assert raw_key.startswith("mk_") and " " not in raw_key
    assert api(raw_key).get(CUSTOMERS).status_code == 200
    assert ApiKey.objects.get().name == "ERP production"


def test_command_creates_a_company_key(company, other_company, api):
    out = StringIO()
    call_command("create_api_key", "Gómez ERP", "--company", str(company.pk), stdout=out)
    raw_key = out.getvalue().strip().splitlines()[-1]
    ids = [row["id"] for row in api(raw_key).get(CUSTOMERS).json()["results"]]
    assert ids == [company.pk]


def test_command_refuses_an_unknown_company(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_key", "X", "--company", "999999", stdout=StringIO())


def test_missing_key_is_401_with_the_error_shape(db, api):
    response = api().get(CUSTOMERS)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["detail"]
    assert response["WWW-Authenticate"] == "Api-Key"


@pytest.mark.parametrize("header", ["Api-Key mk_nope_nope", "Api-Key ", "api-key a b"])
def test_invalid_key_is_401(db, header):
    response = Client().get(CUSTOMERS, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_revoked_key_is_401(db, api):
    api_key, raw_key = create_api_key(name="ERP")
    assert api(raw_key).get(CUSTOMERS).status_code == 200
    revoke_api_key(api_key=api_key)
    response = api(raw_key).get(CUSTOMERS)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_last_used_time_is_recorded(db, api):
    api_key, raw_key = create_api_key(name="ERP")
    assert api_key.last_used_at is None
    api(raw_key).get(CUSTOMERS)
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_staff_session_uses_the_browsable_api(service_agent):
    client = Client()
    client.force_login(service_agent)
    response = client.get(CUSTOMERS, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"<html" in response.content


def test_staff_session_post_needs_csrf(service_agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(service_agent)
    response = client.post(CUSTOMERS, {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "CSRF" in response.json()["detail"]


def test_customer_user_session_is_not_an_api_client(buyer):
    client = Client()
    client.force_login(buyer)
    response = client.get(CUSTOMERS)
    assert response.status_code == 401


def test_company_key_cannot_use_seller_only_resources(company_key, api):
    response = api(company_key).get("/api/v1/webhooks/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
