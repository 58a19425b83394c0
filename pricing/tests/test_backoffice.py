"""Back-office pages of pricing: lists, forms, CSV import (all or nothing) and export."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry
from customers.tests.factories import CompanyFactory
from inventory.models import Product
from inventory.tests.factories import ProductFactory
from pricing.models import ContractPrice, CustomerPricing, Price, PriceList

from .factories import ContractPriceFactory, PriceFactory, PriceListFactory, default_list

pytestmark = pytest.mark.django_db
D = Decimal


def upload(text: str, name="prices.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def products(db):
    return [ProductFactory(sku=f"SKU-{i}", unit_price=D("10.00")) for i in range(1, 9)]


def test_warehouse_staff_are_refused_and_customer_service_gets_in(
    client, warehouse_worker, service_agent
):
    client.force_login(warehouse_worker)
    assert client.get(reverse("backoffice:price_list_list")).status_code == 403
    client.force_login(service_agent)
    response = client.get(reverse("backoffice:price_list_list"))
    assert response.status_code == 200
    assert "PLN" in response.content.decode()


@pytest.mark.parametrize("language", ["es", "en", "pl"])
def test_pages_render_in_every_language(client, manager, products, language):
    client.force_login(manager)
    company = CompanyFactory()
    ContractPriceFactory(company=company, product=products[0])
    price = PriceFactory(price_list=default_list("PLN"), product=products[0], price=D("43.00"))
    client.cookies["django_language"] = language
    pln = default_list("PLN")
    for url in (
        reverse("backoffice:price_list_list"),
        reverse("backoffice:price_list_create"),
        reverse("backoffice:price_list_detail", args=[pln.pk]),
        reverse("backoffice:price_list_detail", args=[default_list().pk]),
        reverse("backoffice:price_list_edit", args=[pln.pk]),
        reverse("backoffice:price_create", args=[pln.pk]),
        reverse("backoffice:price_edit", args=[pln.pk, price.pk]),
        reverse("backoffice:price_delete", args=[pln.pk, price.pk]),
        reverse("backoffice:price_import", args=[pln.pk]),
        reverse("backoffice:contract_price_list", args=[company.pk]),
        reverse("backoffice:company_price_list", args=[company.pk]),
        reverse("backoffice:contract_price_create", args=[company.pk]),
        reverse("backoffice:contract_price_import", args=[company.pk]),
        reverse("backoffice:customer_detail", args=[company.pk]),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url


def test_search_lists_by_sku_and_prices_by_sku(client, manager, products):
    client.force_login(manager)
    special = PriceListFactory(code="PLN-X", currency="PLN")
    PriceFactory(price_list=special, product=products[2], price=D("50.00"))
    page = client.get(reverse("backoffice:price_list_list"), {"sku": "SKU-3", "currency": "PLN"})
    assert [row.code for row in page.context["table"].rows] == ["PLN-X"]
    detail = client.get(reverse("backoffice:price_list_detail", args=[special.pk]), {"sku": "3"})
    assert "SKU-3" in detail.content.decode() and "50.00" in detail.content.decode()


def test_create_a_list_with_a_bad_window_writes_nothing(client, manager):
    client.force_login(manager)
    count = PriceList.objects.count()
    response = client.post(
        reverse("backoffice:price_list_create"),
        {
            "code": "PLN-BAD",
            "name": "Bad",
            "currency": "PLN",
            "valid_from": "2026-02-01",
            "valid_to": "2026-01-01",
            "active": "on",
        },
    )
    assert response.status_code == 400
    assert PriceList.objects.count() == count
    ok = client.post(
        reverse("backoffice:price_list_create"),
        {"code": "pln-ok", "name": "Ok", "currency": "PLN", "active": "on"},
    )
    assert ok.status_code == 302
    created = PriceList.objects.get(code="PLN-OK")
    assert AuditEntry.objects.filter(object_id=str(created.pk), action="created").exists()


def test_add_edit_and_delete_a_price(client, service_agent, products):
    client.force_login(service_agent)
    pln = default_list("PLN")
    url = reverse("backoffice:price_create", args=[pln.pk])
    bad = client.post(url, {"sku": "NOPE", "min_quantity": 1, "price": "10.00"})
    assert bad.status_code == 400 and "NOPE" in bad.content.decode()
    zero = client.post(url, {"sku": "SKU-1", "min_quantity": 1, "price": "0"})
    assert zero.status_code == 400 and not Price.objects.exists()
    assert (
        client.post(url, {"sku": "SKU-1", "min_quantity": 10, "price": "39.50"}).status_code == 302
    )
    price = Price.objects.get(price_list=pln, product__sku="SKU-1", min_quantity=10)
    edit = reverse("backoffice:price_edit", args=[pln.pk, price.pk])
    assert client.post(edit, {"price": "38.00"}).status_code == 302
    price.refresh_from_db()
    assert price.price == D("38.00")
    assert (
        client.post(reverse("backoffice:price_delete", args=[pln.pk, price.pk])).status_code == 302
    )
    assert not Price.objects.exists()
    assert AuditEntry.objects.filter(object_id=str(price.pk), action="deleted").exists()


def test_csv_import_is_all_or_nothing_and_names_the_bad_row(client, service_agent, products):
    client.force_login(service_agent)
    pln = default_list("PLN")
    rows = "sku,price,min_quantity\n" + "".join(f"SKU-{i},{40 + i}.00,1\n" for i in range(1, 6))
    rows += "SKU-6,0.00,1\n"  # line 7: a price of zero
    rows += "SKU-7,12.00,10\n"
    response = client.post(
        reverse("backoffice:price_import", args=[pln.pk]), {"file": upload(rows)}
    )
    assert response.status_code == 400
    assert not Price.objects.exists()
    row_errors = response.context["row_errors"]
    assert [error["row"] for error in row_errors] == [7]
    assert row_errors[0]["field"] == "price"
    assert "7" in str(list(response.context["form"].non_field_errors()))
    good = rows.replace("SKU-6,0.00,1", "SKU-6,46.00,1")
    response = client.post(
        reverse("backoffice:price_import", args=[pln.pk]), {"file": upload(good)}
    )
    assert response.status_code == 302
    assert Price.objects.filter(price_list=pln).count() == 7


def test_csv_import_refuses_decimal_commas_and_unknown_skus(client, manager, products):
    client.force_login(manager)
    pln = default_list("PLN")
    text = "sku;price;min_quantity\nSKU-1;12,50;1\nGHOST;3.00;\n"
    response = client.post(
        reverse("backoffice:price_import", args=[pln.pk]), {"file": upload(text)}
    )
    assert response.status_code == 400
    errors = {(e["row"], e["field"]) for e in response.context["row_errors"]}
    assert errors == {(2, "price"), (3, "sku")}
    assert not Price.objects.exists()
    missing = client.post(
        reverse("backoffice:price_import", args=[pln.pk]), {"file": upload("sku\nSKU-1\n")}
    )
    assert missing.status_code == 400 and not Price.objects.exists()


def test_export_reads_back_through_the_import(client, manager, products):
    client.force_login(manager)
    eur = default_list("EUR")
    PriceFactory(price_list=eur, product=products[0], min_quantity=10, price=D("9.25"))
    response = client.get(reverse("backoffice:price_export", args=[eur.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["sku", "price", "min_quantity"]
    assert ["SKU-1", "10.00", "1"] in rows and ["SKU-1", "9.25", "10"] in rows
    # The catalog prices come back as the products' unit prices (managers only).
    changed = body.replace("SKU-1,10.00,1", "SKU-1,11.00,1")
    response = client.post(
        reverse("backoffice:price_import", args=[eur.pk]), {"file": upload(changed)}
    )
    assert response.status_code == 302
    assert Product.objects.get(sku="SKU-1").unit_price == D("11.00")


def test_customer_service_cannot_change_catalog_prices_by_import(client, service_agent, products):
    client.force_login(service_agent)
    eur = default_list("EUR")
    response = client.post(
        reverse("backoffice:price_import", args=[eur.pk]),
        {"file": upload("sku,price\nSKU-1,99.00\n")},
    )
    assert response.status_code == 400
    assert Product.objects.get(sku="SKU-1").unit_price == D("10.00")


def test_contract_prices_pages_and_import(client, service_agent, products):
    client.force_login(service_agent)
    company = CompanyFactory(currency="PLN")
    special = PriceListFactory(code="PLN-S", currency="PLN")
    response = client.post(
        reverse("backoffice:company_price_list", args=[company.pk]), {"price_list": special.pk}
    )
    assert response.status_code == 302
    assert CustomerPricing.objects.get(company=company).price_list == special
    page = client.get(reverse("backoffice:customer_detail", args=[company.pk])).content.decode()
    assert "PLN-S" in page and reverse("backoffice:contract_price_list", args=[company.pk]) in page
    text = (
        "sku,price,valid_from,valid_to\n"
        "SKU-1,30.00,2026-01-01,2026-06-30\n"
        "SKU-1,29.00,2026-06-01,\n"  # overlaps the row above
    )
    url = reverse("backoffice:contract_price_import", args=[company.pk])
    response = client.post(url, {"file": upload(text)})
    assert response.status_code == 400
    assert [e["row"] for e in response.context["row_errors"]] == [3]
    assert not ContractPrice.objects.exists()
    response = client.post(url, {"file": upload(text.replace("2026-06-01", "2026-07-01"))})
    assert response.status_code == 302
    assert ContractPrice.objects.filter(company=company).count() == 2
    contract = ContractPrice.objects.get(company=company, valid_from__month=7)
    edit = reverse("backoffice:contract_price_edit", args=[company.pk, contract.pk])
    overlapping = client.post(edit, {"price": "28.00", "valid_from": "2026-03-01"})
    assert overlapping.status_code == 400
    assert client.post(edit, {"price": "28.00", "valid_from": "2026-07-01"}).status_code == 302
    contract.refresh_from_db()
    assert contract.price == D("28.00")
    export = client.get(reverse("backoffice:contract_price_export", args=[company.pk]))
    body = b"".join(export.streaming_content).decode()
    assert "SKU-1,28.00,2026-07-01," in body
    delete = reverse("backoffice:contract_price_delete", args=[company.pk, contract.pk])
    assert client.post(delete).status_code == 302
    assert ContractPrice.objects.filter(company=company).count() == 1
    other = CompanyFactory()
    assert (
        client.get(
            reverse("backoffice:contract_price_edit", args=[other.pk, contract.pk])
        ).status_code
        == 404
    )


def test_a_list_in_another_currency_cannot_be_assigned(client, manager):
    client.force_login(manager)
    company = CompanyFactory(currency="EUR")
    pln = default_list("PLN")
    response = client.post(
        reverse("backoffice:company_price_list", args=[company.pk]), {"price_list": pln.pk}
    )
    assert response.status_code == 400
    assert not CustomerPricing.objects.exists()
