"""Back-office API key pages: managers create (the key shown once) and revoke."""

import pytest
from django.urls import reverse

from apikeys.models import ApiKey
from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures
from core.audit import entries_for
from core.navigation import backoffice_menu

LIST = "/backoffice/api-keys/"


def test_menu_entry_points_at_the_key_list(manager):
    entry = next(item for item in backoffice_menu(manager) if item["key"] == "api")
    assert entry["url"] == reverse("backoffice:apikey_list") == LIST


@pytest.mark.parametrize("who", ["service_agent", "warehouse_worker"])
def test_only_managers_see_the_pages(db, client_for, request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403
    assert client.post(f"{LIST}new/", {"name": "x"}).status_code == 403


def test_customer_users_get_404(client_for, buyer):
    assert client_for(buyer).get(LIST).status_code == 404


def test_manager_creates_a_seller_key_and_sees_it_once(client_for, manager, api):
    client = client_for(manager)
    assert client.get(f"{LIST}new/").status_code == 200
    response = client.post(f"{LIST}new/", {"name": "ERP production"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    api_key = ApiKey.objects.get()
    raw_key = response.context["raw_key"]
    assert raw_key in response.content.decode()
    assert api_key.created_by == manager and api_key.company is None
    assert api(raw_key).get("/api/v1/customers/").status_code == 200
    listing = client.get(LIST).content.decode()
    assert api_key.prefix in listing and raw_key not in listing


def test_manager_creates_a_company_key(client_for, manager, company):
    response = client_for(manager).post(f"{LIST}new/", {"name": "Gómez", "company": company.pk})
    assert response.status_code == 200
    assert ApiKey.objects.get().company == company


def test_invalid_form_is_400(client_for, manager):
    assert client_for(manager).post(f"{LIST}new/", {"name": ""}).status_code == 400
    assert not ApiKey.objects.exists()


def test_manager_revokes_a_key(client_for, manager, api):
    from apikeys.services import create_api_key

    api_key, raw_key = create_api_key(name="Old ERP")
    response = client_for(manager).post(f"{LIST}{api_key.pk}/revoke/")
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert api(raw_key).get("/api/v1/customers/").status_code == 401
    assert entries_for(api_key)[0].actor_user == manager


def test_revoking_an_unknown_key_is_404(client_for, manager):
    assert client_for(manager).post(f"{LIST}999999/revoke/").status_code == 404


def test_creation_by_a_manager_writes_an_audit_row(client_for, manager):
    client_for(manager).post(f"{LIST}new/", {"name": "ERP production"})
    [entry] = entries_for(ApiKey.objects.get())
    assert entry.actor_user == manager and entry.changes["name"] == [None, "ERP production"]
