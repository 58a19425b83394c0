"""The pricing API over HTTP: lists, prices (bulk upsert), contract prices, tenancy."""

from decimal import Decimal

import pytest

from apikeys.services import create_api_key
from apikeys.tests.api_fixtures import api  # noqa: F401
from customers.tests.factories import CompanyFactory
from inventory.models import Product
from inventory.tests.factories import ProductFactory
from pricing.models import ContractPrice, Price, PriceList

from .factories import ContractPriceFactory, PriceFactory, PriceListFactory, default_list

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def seller(api):  # noqa: F811
    return api(create_api_key(name="ERP")[1])


def test_create_and_filter_price_lists(seller):
    response = seller.post(
        "/api/v1/price-lists/",
        {"code": "pln-promo", "name": "Promocja", "currency": "PLN", "valid_from": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "PLN-PROMO" and response.json()["is_default"] is False
    codes = [
        row["code"] for row in seller.get("/api/v1/price-lists/?currency=PLN").json()["results"]
    ]
    assert codes == ["PLN", "PLN-PROMO"]
    assert seller.get("/api/v1/price-lists/?currency=USD").status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "X1", "name": "X", "currency": "USD"}, "currency"),
        (
            {
                "code": "X2",
                "name": "X",
                "currency": "EUR",
                "valid_from": "2026-02-01",
                "valid_to": "2026-01-31",
            },
            "valid_to",
        ),
        ({"code": "EUR", "name": "X", "currency": "EUR"}, "code"),
        ({"code": "X3", "name": "X", "currency": "EUR", "is_default": True}, "is_default"),
    ],
)
def test_bad_price_lists_are_400_with_field_errors(seller, body, field):
    count = PriceList.objects.count()
    response = seller.post("/api/v1/price-lists/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert PriceList.objects.count() == count


def test_a_new_pln_default_takes_over(seller):
    response = seller.post(
        "/api/v1/price-lists/",
        {"code": "PLN-2027", "name": "2027", "currency": "PLN", "is_default": True},
        format="json",
    )
    assert response.status_code == 201
    assert PriceList.objects.get(currency="PLN", is_default=True).code == "PLN-2027"


def test_bulk_upsert_prices_and_read_them_back(seller):
    drill = ProductFactory(sku="DRILL-1", unit_price=D("100.00"))
    pln = default_list("PLN")
    PriceFactory(price_list=pln, product=drill, price=D("400.00"))
    response = seller.post(
        "/api/v1/price-lists/pln/prices/",
        [
            {"sku": "DRILL-1", "price": "430.00"},
            {"sku": "DRILL-1", "price": "400.00", "min_quantity": 10},
        ],
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "created": [{"sku": "DRILL-1", "min_quantity": 10}],
        "updated": [{"sku": "DRILL-1", "min_quantity": 1}],
        "unchanged": [],
    }
    rows = seller.get("/api/v1/price-lists/PLN/prices/").json()["results"]
    assert [(r["sku"], r["min_quantity"], r["price"]) for r in rows] == [
        ("DRILL-1", 1, "430.00"),
        ("DRILL-1", 10, "400.00"),
    ]
    later = seller.get(
        "/api/v1/price-lists/PLN/prices/", {"updated_since": "2999-01-01T00:00:00Z"}
    ).json()
    assert later["results"] == []


def test_the_default_eur_list_is_the_catalog_price(seller):
    ProductFactory(sku="CAT-1", unit_price=D("49.00"))
    rows = seller.get("/api/v1/price-lists/EUR/prices/", {"sku": "CAT-1"}).json()["results"]
    assert rows[0]["price"] == "49.00" and rows[0]["from_catalog"] is True
    response = seller.post(
        "/api/v1/price-lists/EUR/prices/", [{"sku": "CAT-1", "price": "52.00"}], format="json"
    )
    assert response.status_code == 200, response.json()
    assert Product.objects.get(sku="CAT-1").unit_price == D("52.00")
    assert not Price.objects.filter(product__sku="CAT-1").exists()  # one source of truth
    assert seller.get("/api/v1/products/CAT-1/").json()["unit_price"] == "52.00"


def test_bulk_upsert_is_all_or_nothing_with_per_item_errors(seller):
    ProductFactory(sku="OK-1")
    response = seller.post(
        "/api/v1/price-lists/PLN/prices/",
        [
            {"sku": "OK-1", "price": "10.00"},
            {"sku": "NOPE", "price": "10.00"},
            {"sku": "OK-1", "price": "0", "min_quantity": 5},
            {"sku": "OK-1", "price": "-3", "min_quantity": 6},
        ],
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"2.price", "3.price"}  # the shapes first
    assert not Price.objects.exists()
    response = seller.post(
        "/api/v1/price-lists/PLN/prices/",
        [{"sku": "OK-1", "price": "10.00"}, {"sku": "NOPE", "price": "10.00"}],
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_prices"
    assert list(body["fields"]) == ["1.sku"] and "NOPE" in body["fields"]["1.sku"][0]
    assert not Price.objects.exists()
    assert seller.post("/api/v1/price-lists/NOPE/prices/", [], format="json").status_code == 404
    too_many = [{"sku": "OK-1", "price": "1.00", "min_quantity": n} for n in range(1, 1002)]
    assert (
        seller.post("/api/v1/price-lists/PLN/prices/", too_many, format="json").status_code == 413
    )


def test_contract_prices_upsert_overlap_and_read(seller):
    company = CompanyFactory()
    ProductFactory(sku="C-1")
    url = f"/api/v1/customers/{company.pk}/contract-prices/"
    response = seller.post(
        url,
        [{"sku": "C-1", "price": "8.00", "valid_from": "2026-01-01", "valid_to": "2026-06-30"}],
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == ["C-1"]
    overlapping = seller.post(
        url, [{"sku": "C-1", "price": "7.00", "valid_from": "2026-06-01"}], format="json"
    )
    assert overlapping.status_code == 400
    assert "0.valid_from" in overlapping.json()["fields"]
    after = seller.post(
        url, [{"sku": "C-1", "price": "7.00", "valid_from": "2026-07-01"}], format="json"
    )
    assert after.status_code == 200
    update = seller.post(
        url,
        [{"sku": "C-1", "price": "7.50", "valid_from": "2026-01-01", "valid_to": "2026-06-30"}],
        format="json",
    )
    assert update.json()["updated"] == ["C-1"]
    rows = seller.get(url).json()["results"]
    assert [(r["price"], r["valid_from"]) for r in rows] == [
        ("7.50", "2026-01-01"),
        ("7.00", "2026-07-01"),
    ]
    bad = seller.post(url, [{"sku": "C-1", "price": "0.00"}], format="json")
    assert bad.status_code == 400 and "0.price" in bad.json()["fields"]
    assert ContractPrice.objects.count() == 2


def test_company_keys_cannot_read_prices_or_contract_prices(api):  # noqa: F811
    company, other = CompanyFactory(), CompanyFactory()
    ContractPriceFactory(company=company)
    ContractPriceFactory(company=other)
    client = api(create_api_key(name="Procurement", company=company)[1])
    assert client.get(f"/api/v1/customers/{company.pk}/contract-prices/").status_code == 403
    assert client.get(f"/api/v1/customers/{other.pk}/contract-prices/").status_code == 404
    assert (
        client.post(f"/api/v1/customers/{other.pk}/contract-prices/", [], format="json").status_code
        == 404
    )
    assert client.get("/api/v1/price-lists/").status_code == 403
    assert client.get("/api/v1/price-lists/PLN/prices/").status_code == 403
    assert client.post("/api/v1/price-lists/", {}, format="json").status_code == 403


def test_customer_api_reads_and_writes_price_list(seller):
    special = PriceListFactory(code="PLN-VIP", currency="PLN")
    company = CompanyFactory(currency="PLN")
    url = f"/api/v1/customers/{company.pk}/"
    assert seller.get(url).json()["price_list"] is None
    response = seller.patch(url, {"price_list": "pln-vip"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["price_list"] == "PLN-VIP"
    assert company.pricing.price_list == special
    eur = PriceListFactory(code="EUR-VIP", currency="EUR")
    wrong = seller.patch(url, {"price_list": eur.code}, format="json")
    assert wrong.status_code == 400 and "price_list" in wrong.json()["fields"]
    unknown = seller.patch(url, {"price_list": "NOPE"}, format="json")
    assert unknown.status_code == 400 and "price_list" in unknown.json()["fields"]
    assert seller.patch(url, {"price_list": None}, format="json").json()["price_list"] is None
    rows = seller.get("/api/v1/customers/").json()["results"]
    assert {"price_list"} <= set(rows[0])


def test_customer_create_with_a_price_list_is_all_or_nothing(seller):
    PriceListFactory(code="PLN-VIP", currency="PLN")
    body = {
        "name": "Nowa Sp. z o.o.",
        "tax_id": "PL5260250995",
        "email": "a@nowa.example",
        "currency": "PLN",
        "billing_address": {
            "line1": "ul. Prosta 1",
            "city": "Warszawa",
            "postal_code": "00-001",
            "country": "PL",
        },
        "price_list": "PLN-VIP",
    }
    response = seller.post("/api/v1/customers/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["price_list"] == "PLN-VIP"
    refused = seller.post(
        "/api/v1/customers/",
        {**body, "tax_id": "PL7251801126", "email": "b@x.example", "currency": "EUR"},
        format="json",
    )
    assert refused.status_code == 400 and "price_list" in refused.json()["fields"]


def test_contract_price_dates_with_windows(seller):
    company = CompanyFactory()
    ProductFactory(sku="W-1")
    url = f"/api/v1/customers/{company.pk}/contract-prices/"
    bad = seller.post(
        url,
        [{"sku": "W-1", "price": "5.00", "valid_from": "2026-05-01", "valid_to": "2026-04-01"}],
        format="json",
    )
    assert bad.status_code == 400 and "0.valid_to" in bad.json()["fields"]
    assert not ContractPrice.objects.exists()
