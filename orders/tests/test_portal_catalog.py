"""The portal catalog a buyer uses: only what the company may buy, in its currency;
search in any language, category filter, pages kept after "Add"; the product page with
its breaks, contract price, return policy and stock."""

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from customers.models import CustomerRole
from customers.tests.factories import CompanyFactory, CustomerUserFactory
from inventory import services as inventory
from inventory.models import StockItem
from inventory.tests.factories import WarehouseFactory
from orders.portal import cart
from pricing.tests.factories import ContractPriceFactory, PriceFactory, default_list

from .factories import stocked_product

pytestmark = pytest.mark.django_db

CATALOG = "/portal/catalog/"


def cart_of(client) -> dict:
    """The signed-in user's cart as ``{sku: quantity}`` (stored in the database)."""
    from customers.models import User

    return cart.get(User.objects.get(pk=client.session["_auth_user_id"]))


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(code="MAD", name="Madrid", is_default=True)


@pytest.fixture
def tools(db):
    return inventory.create_category(
        actor=None,
        name={"es": "Herramientas", "en": "Tools", "pl": "Narzędzia"},
        return_window_days=30,
        return_conditions={
            "es": "Sin usar, en su caja",
            "en": "Unused, in its box",
            "pl": "Nieużywane, w pudełku",
        },
        restocking_fee_percent=Decimal("10"),
    )


@pytest.fixture
def garden(db):
    return inventory.create_category(actor=None, name={"es": "Jardín", "pl": "Ogród"})


@pytest.fixture
def shovel(warehouse, garden):
    return stocked_product(
        40,
        warehouse,
        sku="SHOVEL",
        name_es="Pala de jardín",
        name_pl="Łopata ogrodowa",
        description_es="Mango de fresno.",
        description_pl="Trzonek z jesionu.",
        category=garden,
        unit_price=Decimal("12.00"),
    )


@pytest.fixture
def drill(warehouse, tools):
    return stocked_product(
        5,
        warehouse,
        sku="DRILL",
        name_es="Taladro",
        name_en="Drill",
        name_pl="Wiertarka",
        category=tools,
        unit_price=Decimal("100.00"),
    )


@pytest.fixture
def pln_company(db):
    return CompanyFactory(
        legal_name="Hurtownia Kowalski", country="PL", language="pl", currency="PLN"
    )


@pytest.fixture
def pln_buyer(pln_company):
    return CustomerUserFactory(company=pln_company, role=CustomerRole.BUYER)


def _skus(response):
    return [product.sku for product in response.context["products"]]


# --- scoping and currency ---------------------------------------------------------------------


def test_a_product_without_a_price_for_the_company_is_not_offered_and_its_page_is_404(
    client_for, pln_buyer, shovel, drill
):
    PriceFactory(price_list=default_list("PLN"), product=drill, price=Decimal("429.00"))
    client = client_for(pln_buyer)
    response = client.get(CATALOG)
    assert _skus(response) == ["DRILL"]
    html = response.content.decode()
    assert "429,00\xa0PLN" in html and "100,00" not in html
    assert client.get(reverse("portal:catalog_product", args=["SHOVEL"])).status_code == 404
    page = client.get(reverse("portal:catalog_product", args=["DRILL"]))
    assert page.status_code == 200 and "429,00 PLN" in page.content.decode()


def test_a_product_the_company_cannot_buy_has_no_price_and_cannot_be_placed(
    client_for, pln_buyer, shovel
):
    client = client_for(pln_buyer)
    client.post(reverse("portal:cart_update"), {"action": "add", "sku": "SHOVEL", "quantity": 1})
    cart = client.get(reverse("portal:cart"))
    [row] = cart.context["rows"]
    assert row.sku == "SHOVEL" and row.unit_price is None
    review = client.post(
        reverse("portal:checkout", args=["review"]),
        {
            "po_number": "PO-1",
            "shipping_method": "standard",
            "shipping_address": pln_buyer.company.addresses.get().pk,
        },
    )
    assert review.status_code == 400
    assert "SHOVEL" in " ".join(str(e) for e in review.context["checkout_form"].non_field_errors())


def test_an_inactive_product_is_not_offered(client_for, buyer, shovel, drill):
    inventory.update_product(actor=None, product=drill, active=False)
    response = client_for(buyer).get(CATALOG)
    assert _skus(response) == ["SHOVEL"]


# --- language, search, filters -----------------------------------------------------------


def test_names_follow_the_readers_language_with_the_fallback(client_for, buyer, shovel, drill):
    client = client_for(buyer)
    html = client.get(CATALOG, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Łopata ogrodowa" in html and "Wiertarka" in html and "Narzędzia" in html
    html = client.get(CATALOG, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # The shovel has no English name: Spanish, the default.
    assert "Pala de jardín" in html and "Drill" in html and "Tools" in html


def test_search_in_polish_finds_a_product_in_a_spanish_session(client_for, buyer, shovel, drill):
    client = client_for(buyer)
    assert _skus(client.get(CATALOG, {"q": "łopata"})) == ["SHOVEL"]
    assert _skus(client.get(CATALOG, {"q": "drill"})) == ["DRILL"]
    assert _skus(client.get(CATALOG, {"q": "shov"})) == ["SHOVEL"]  # the SKU
    assert _skus(client.get(CATALOG, {"q": "nothing like it"})) == []


def test_category_filter(client_for, buyer, shovel, drill, garden):
    client = client_for(buyer)
    assert _skus(client.get(CATALOG, {"category": garden.pk})) == ["SHOVEL"]
    response = client.get(CATALOG, {"category": "999999"})
    assert response.status_code == 200 and _skus(response) == []
    html = client.get(CATALOG, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert f'<option value="{garden.pk}">Ogród</option>' in html


def test_search_filter_and_page_are_kept_after_add(client_for, buyer, warehouse, tools):
    for n in range(30):
        stocked_product(3, warehouse, sku=f"T-{n:02d}", name_es=f"Llave {n:02d}", category=tools)
    client = client_for(buyer)
    query = {"q": "llave", "category": tools.pk, "page": 2}
    page = client.get(CATALOG, query)
    assert _skus(page) == [f"T-{n:02d}" for n in range(24, 30)]
    here = f"{CATALOG}?{urlencode(query)}"
    assert f'name="next" value="{here.replace("&", "&amp;")}"' in page.content.decode()
    response = client.post(
        reverse("portal:cart_update"), {"action": "add", "sku": "T-25", "quantity": 2, "next": here}
    )
    assert response.status_code == 302 and response.url == here
    assert cart_of(client) == {"T-25": 2}
    after = client.get(response.url)
    assert _skus(after) == _skus(page)
    assert [m.level_tag for m in after.context["messages"]] == ["success"]


def test_add_never_goes_back_to_another_site(client_for, buyer, shovel):
    client = client_for(buyer)
    for target in ("https://evil.example/portal/catalog/", "//evil.example/", "/portal/orders/"):
        response = client.post(
            reverse("portal:cart_update"),
            {"action": "add", "sku": "SHOVEL", "quantity": 1, "next": target},
        )
        assert response.url == reverse("portal:cart"), target


def test_catalog_query_count_is_the_same_for_20_and_50_products(
    client_for, buyer, warehouse, tools, django_assert_max_num_queries
):
    client = client_for(buyer)

    def queries_for(count):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(CATALOG, {"q": "perno"})
        assert len(response.context["products"]) == min(count, 24)
        return len(captured)

    for n in range(20):
        stocked_product(2, warehouse, sku=f"B-{n:02d}", name_es=f"Perno {n}", category=tools)
    queries_for(20)  # the session and caches warm up
    twenty = queries_for(20)
    for n in range(20, 50):
        stocked_product(2, warehouse, sku=f"B-{n:02d}", name_es=f"Perno {n}", category=tools)
    assert queries_for(50) == twenty
    with django_assert_max_num_queries(twenty):
        client.get(CATALOG, {"q": "perno", "page": 2})


# --- the product page ------------------------------------------------------------------------


def test_product_page_shows_breaks_and_the_return_policy_in_the_readers_language(
    client_for, buyer, company, drill
):
    company.discount_percent = Decimal("10.00")
    company.save()
    PriceFactory(
        price_list=default_list("EUR"), product=drill, min_quantity=10, price=Decimal("90")
    )
    PriceFactory(
        price_list=default_list("EUR"), product=drill, min_quantity=50, price=Decimal("80")
    )
    client = client_for(buyer)
    url = reverse("portal:catalog_product", args=["DRILL"])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="pl")
    html = page.content.decode()
    assert "Wiertarka" in html
    price = page.context["price"]
    assert price.unit_price == Decimal("90.00")  # 100 less 10 %
    assert [(b.min_quantity, b.unit_price) for b in price.breaks] == [
        (10, Decimal("81.00")),
        (50, Decimal("72.00")),
    ]
    assert "81,00 EUR" in html and "72,00 EUR" in html
    # Return policy of its category, in Polish.
    assert "Nieużywane, w pudełku" in html and "30" in html
    html_en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Unused, in its box" in html_en and "Returns accepted within 30 days" in html_en
    assert "restocking fee of 10 %" in html_en
    assert "Low stock" in html_en or "In stock" in html_en


def test_product_page_shows_the_contract_price_instead_of_breaks(client_for, buyer, company, drill):
    PriceFactory(
        price_list=default_list("EUR"), product=drill, min_quantity=10, price=Decimal("90")
    )
    ContractPriceFactory(company=company, product=drill, price=Decimal("77.70"))
    page = client_for(buyer).get(
        reverse("portal:catalog_product", args=["DRILL"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert "77.70 EUR" in html and "Your contract price" in html
    assert 'id="price-breaks"' not in html


def test_product_page_stock_levels(client_for, buyer, drill, shovel, warehouse):
    client = client_for(buyer)
    inventory.set_reorder_levels(
        actor=None, product=drill, warehouse=warehouse, reorder_point=10, reorder_quantity=20
    )
    page = client.get(reverse("portal:catalog_product", args=["DRILL"]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["stock_level"] == "low" and "Low stock: 5 units" in page.content.decode()
    page = client.get(reverse("portal:catalog_product", args=["SHOVEL"]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["stock_level"] == "in_stock" and "In stock: 40 units" in (
        page.content.decode()
    )
    item = StockItem.objects.get(product=shovel)
    inventory.record_stock_changes(
        actor=None,
        changes=[
            inventory.StockChange(
                sku="SHOVEL",
                warehouse="MAD",
                quantity=item.on_hand,
                kind="write_off",
                reason="Rotas",
            )
        ],
    )
    page = client.get(reverse("portal:catalog_product", args=["SHOVEL"]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["stock_level"] == "out" and "Out of stock" in page.content.decode()


def test_product_page_add_and_back_link_keep_the_catalog_page(client_for, buyer, drill, tools):
    client = client_for(buyer)
    back = urlencode({"q": "tal", "category": tools.pk})
    url = reverse("portal:catalog_product", args=["DRILL"])
    page = client.get(url, {"back": back})
    assert f'href="{CATALOG}?{back.replace("&", "&amp;")}"' in page.content.decode()
    response = client.post(
        reverse("portal:cart_update"),
        {"action": "add", "sku": "DRILL", "quantity": 3, "next": f"{url}?back=x"},
    )
    assert response.url == f"{url}?back=x"
    assert cart_of(client) == {"DRILL": 3}


def test_viewers_browse_without_add(client_for, viewer, drill):
    client = client_for(viewer)
    assert 'name="action" value="add"' not in client.get(CATALOG).content.decode()
    page = client.get(reverse("portal:catalog_product", args=["DRILL"]))
    assert page.status_code == 200 and "Add to cart" not in page.content.decode()


def test_a_sku_with_a_slash_has_its_page(client_for, buyer, warehouse, tools):
    stocked_product(1, warehouse, sku="AB/12", name_es="Con barra", category=tools)
    page = client_for(buyer).get(reverse("portal:catalog_product", args=["AB/12"]))
    assert page.status_code == 200 and "Con barra" in page.content.decode()


def test_cart_shows_the_company_price_in_its_currency(client_for, pln_buyer, drill):
    PriceFactory(price_list=default_list("PLN"), product=drill, price=Decimal("429.00"))
    client = client_for(pln_buyer)
    client.post(reverse("portal:cart_update"), {"action": "add", "sku": "DRILL", "quantity": 2})
    html = client.get(reverse("portal:cart")).content.decode()
    assert "429,00" in html and "858,00" in html
