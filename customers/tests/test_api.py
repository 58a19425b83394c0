"""Customers API (/api/v1/customers/): seller keys, company keys, staff sessions."""

import pytest
from django.test import Client

from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures
from customers.models import Address, Company, TimelineEntry
from customers.tests.factories import CompanyFactory
from tests.test_api_errors import customer_body

CUSTOMERS = "/api/v1/customers/"


@pytest.fixture
def seller(api, seller_key):
    return api(seller_key)


def detail(company):
    return f"{CUSTOMERS}{company.pk}/"


# --- seller key -----------------------------------------------------------------------


def test_seller_creates_a_customer_whose_billing_address_is_the_default_shipping_one(seller):
    response = seller.post(CUSTOMERS, customer_body(external_ref="ERP-77"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    company = Company.objects.get(pk=body["id"])
    assert company.legal_name == body["name"] == "Suministros Norte S.L."
    assert body["billing_address"]["city"] == "Bilbao"
    assert body["credit_limit"] == "5000.00"  # decimals as strings
    assert body["external_ref"] == "ERP-77" and body["status"] == "active"
    address = Address.objects.get(company=company)
    assert address.is_default and address.line1 == "Calle Mayor 1" and address.city == "Bilbao"
    assert TimelineEntry.objects.filter(company=company).exists()


def test_the_smallest_body_is_enough(seller):
    body = customer_body()
    for optional in ("language", "currency", "payment_terms", "credit_limit"):
        body.pop(optional)
    response = seller.post(CUSTOMERS, body, format="json")
    assert response.status_code == 201
    assert response.json()["payment_terms"] == "prepaid"


def test_tax_id_is_normalised_and_validated(seller):
    response = seller.post(CUSTOMERS, customer_body(tax_id="es b-1234567 4"), format="json")
    assert response.status_code == 201
    assert response.json()["tax_id"] == "ESB12345674"
    bad = seller.post(CUSTOMERS, customer_body(tax_id="ESB12345670"), format="json")
    assert bad.status_code == 400 and "tax_id" in bad.json()["fields"]


def test_duplicates_are_field_errors(seller):
    assert (
        seller.post(CUSTOMERS, customer_body(external_ref="E1"), format="json").status_code == 201
    )
    again = seller.post(CUSTOMERS, customer_body(external_ref="E1"), format="json")
    assert again.status_code == 400
    assert {"tax_id", "external_ref"} <= set(again.json()["fields"])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"language": "fr"}, "language"),
        ({"currency": "USD"}, "currency"),
        ({"payment_terms": "net90"}, "payment_terms"),
        ({"credit_limit": "-1"}, "credit_limit"),
        ({"credit_limit": "abc"}, "credit_limit"),
        ({"email": "not-an-email"}, "email"),
        (
            {"billing_address": {"line1": "x", "city": "y", "postal_code": "1", "country": "XX"}},
            "billing_address.country",
        ),
        ({"billing_address": "Calle Mayor 1"}, "billing_address.non_field_errors"),
    ],
)
def test_invalid_fields_are_named(seller, changes, field):
    response = seller.post(CUSTOMERS, customer_body(**changes), format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"], response.json()


def test_seller_lists_retrieves_and_patches(seller, company, other_company):
    ids = [row["id"] for row in seller.get(CUSTOMERS).json()["results"]]
    assert ids == [company.pk, other_company.pk]
    assert seller.get(detail(company)).json()["name"] == company.legal_name
    response = seller.patch(
        detail(company),
        {
            "name": "Ferretería Gómez Hermanos S.L.",
            "billing_address": {"city": "Toledo"},
            "status": "blocked",
            "tags": ["vip"],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    company.refresh_from_db()
    assert company.legal_name == "Ferretería Gómez Hermanos S.L."
    assert company.city == "Toledo" and company.line1  # the rest of the address kept
    assert company.status == "blocked"
    assert response.json()["tags"] == ["vip"]
    assert company.timeline.filter(summary_message__key="customer.changed").exists()


def test_patch_validation_uses_api_field_names(seller, company, other_company):
    response = seller.patch(detail(company), {"tax_id": other_company.tax_id}, format="json")
    assert response.status_code == 400
    assert "tax_id" in response.json()["fields"]
    response = seller.patch(detail(company), {"name": ""}, format="json")
    assert "name" in response.json()["fields"]


def test_filters(seller, db):
    a = CompanyFactory(external_ref="ERP-1")
    b = CompanyFactory(status="blocked")

    def ids(**params):
        return [row["id"] for row in seller.get(CUSTOMERS, params).json()["results"]]

    assert ids(external_ref="ERP-1") == [a.pk]
    assert ids(tax_id=a.tax_id.lower()) == [a.pk]
    assert ids(status="blocked") == [b.pk]
    assert seller.get(CUSTOMERS, {"status": "gone"}).status_code == 400


# --- company key ----------------------------------------------------------------------


def test_company_key_lists_only_its_own_company(api, company_key, company, other_company):
    CompanyFactory.create_batch(3)
    rows = api(company_key).get(CUSTOMERS).json()["results"]
    assert [row["id"] for row in rows] == [company.pk]
    filtered = api(company_key).get(CUSTOMERS, {"tax_id": other_company.tax_id}).json()
    assert filtered["results"] == []


def test_company_key_gets_404_on_another_companys_record(api, company_key, company, other_company):
    client = api(company_key)
    assert client.get(detail(company)).status_code == 200
    response = client.get(detail(other_company))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    patched = client.patch(detail(other_company), {"name": "Mine now"}, format="json")
    assert patched.status_code == 404
    other_company.refresh_from_db()
    assert other_company.legal_name != "Mine now"


def test_company_key_cannot_change_customers(api, company_key, company):
    client = api(company_key)
    response = client.patch(detail(company), {"name": "Renamed"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    created = client.post(CUSTOMERS, customer_body(), format="json")
    assert created.status_code == 403
    company.refresh_from_db()
    assert company.legal_name != "Renamed"
    assert Company.objects.count() == 1


# --- staff sessions -------------------------------------------------------------------


def test_customer_service_can_create_through_a_session(service_agent):
    client = Client()
    client.force_login(service_agent)
    response = client.post(CUSTOMERS, customer_body(), content_type="application/json")
    assert response.status_code == 201
    entry = TimelineEntry.objects.get(company_id=response.json()["id"])
    assert entry.actor == service_agent


def test_warehouse_staff_read_but_do_not_write_customers(warehouse_worker, company):
    client = Client()
    client.force_login(warehouse_worker)
    assert client.get(CUSTOMERS).status_code == 200
    response = client.patch(detail(company), {"name": "X"}, content_type="application/json")
    assert response.status_code == 403


def test_a_seller_key_change_is_audited(seller, company):
    from core.models import AuditEntry

    response = seller.patch(detail(company), {"status": "blocked"}, format="json")
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.get(content_type__model="company")  # not the key's own creation
    assert entry.changes == {"status": ["active", "blocked"]}
    assert entry.actor_user is None and entry.object_id == str(company.pk)
