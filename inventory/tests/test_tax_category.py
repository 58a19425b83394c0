"""Products carry a tax category; ``vat_rate`` stays in the API for compatibility (it
selects the seller country's category with that rate) and is answered as the seller
country's rate of the category."""

import pytest
from django.urls import reverse

from apikeys.tests.api_fixtures import *  # noqa: F403 - pytest fixtures
from inventory.models import Category, Product

from .test_api import product_body

pytestmark = pytest.mark.django_db
PRODUCTS = "/api/v1/products/"


@pytest.fixture
def seller(api, seller_key):
    return api(seller_key)


@pytest.fixture(autouse=True)
def tools(db):
    return Category.objects.create(name="Herramientas")


@pytest.mark.parametrize(
    ("rate", "category"),
    [("21.00", "standard"), ("10", "reduced"), ("4.00", "super_reduced"), ("0", "exempt")],
)
def test_vat_rate_selects_the_seller_countrys_category(seller, rate, category):
    response = seller.post(PRODUCTS, product_body(vat_rate=rate), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["tax_category"] == category
    assert Product.objects.get(sku="SAW-600").tax_category == category
    assert response.json()["vat_rate"] == f"{Product.objects.get().vat_rate:.2f}"


@pytest.mark.parametrize("rate", ["7.00", "23.00"])
def test_a_rate_no_category_has_is_a_field_error(seller, rate):
    response = seller.post(PRODUCTS, product_body(vat_rate=rate), format="json")
    assert response.status_code == 400
    assert "vat_rate" in response.json()["fields"]
    assert not Product.objects.exists()


def test_tax_category_is_accepted_and_answered_with_both(seller):
    body = product_body(tax_category="reduced")
    body.pop("vat_rate")
    response = seller.post(PRODUCTS, body, format="json")
    assert response.status_code == 201
    assert response.json()["tax_category"] == "reduced"
    assert response.json()["vat_rate"] == "10.00"
    unknown = seller.post(PRODUCTS, {**body, "sku": "X-2", "tax_category": "luxury"}, format="json")
    assert unknown.status_code == 400 and "tax_category" in unknown.json()["fields"]
    clash = seller.post(
        PRODUCTS, {**body, "sku": "X-3", "tax_category": "reduced", "vat_rate": "21"}, format="json"
    )
    assert clash.status_code == 400 and "vat_rate" in clash.json()["fields"]


def test_patch_and_bulk_accept_the_rate_or_the_category(seller):
    seller.post(PRODUCTS, product_body(), format="json")
    patched = seller.patch(f"{PRODUCTS}SAW-600/", {"vat_rate": "4"}, format="json")
    assert patched.status_code == 200 and patched.json()["tax_category"] == "super_reduced"
    bulk = seller.post(
        f"{PRODUCTS}bulk/",
        [
            product_body(sku="B-1", vat_rate="10"),
            {**product_body(sku="B-2"), "tax_category": "exempt", "vat_rate": "0"},
        ],
        format="json",
    )
    assert bulk.status_code == 200, bulk.json()
    assert Product.objects.get(sku="B-1").tax_category == "reduced"
    assert Product.objects.get(sku="B-2").tax_category == "exempt"
    refused = seller.post(
        f"{PRODUCTS}bulk/",
        [product_body(sku="B-3"), product_body(sku="B-4", vat_rate="7")],
        format="json",
    )
    assert refused.status_code == 400 and "1.vat_rate" in refused.json()["fields"]
    assert not Product.objects.filter(sku__in=["B-3", "B-4"]).exists()


def test_the_backoffice_form_offers_a_tax_category(client_for, manager, tools):
    client = client_for(manager)
    page = client.get(reverse("backoffice:product_create"))
    html = page.content.decode()
    assert 'name="tax_category"' in html and 'name="vat_rate"' not in html
    response = client.post(
        reverse("backoffice:product_create"),
        {
            "sku": "WW-1",
            "name_es": "Chaqueta",
            "category": tools.pk,
            "unit_price": "20.00",
            "tax_category": "reduced",
            "weight_kg": "1",
            "active": "on",
        },
    )
    assert response.status_code == 302
    product = Product.objects.get(sku="WW-1")
    assert product.tax_category == "reduced"
    detail = client.get(reverse("backoffice:product_detail", args=[product.pk]))
    assert "10.00 %" in detail.content.decode() or "10,00 %" in detail.content.decode()
