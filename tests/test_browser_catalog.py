"""A Polish buyer uses the portal catalog in a real browser: Polish names, a search in
Polish, the category filter, a product page with its breaks and return policy, "Add",
and back on the same filtered catalog page."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers.models import CustomerRole
from customers.tests.factories import CompanyFactory, CustomerUserFactory
from inventory import services as inventory
from inventory.tests.factories import WarehouseFactory
from orders.tests.factories import stocked_product
from pricing.tests.factories import PriceFactory, default_list
from tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_filter_product_page_add_and_back(live_server, browser):
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    garden = inventory.create_category(
        actor=None,
        name={"es": "Jardín", "pl": "Ogród"},
        return_window_days=30,
        return_conditions={"es": "Sin usar", "pl": "Nieużywane, w oryginalnym opakowaniu"},
    )
    tools = inventory.create_category(actor=None, name={"es": "Herramientas", "pl": "Narzędzia"})
    pln = default_list("PLN")
    for n, (es, pl) in enumerate([("Pala", "Łopata"), ("Rastrillo", "Grabie")]):
        product = stocked_product(
            30, mad, sku=f"GARDEN-{n}", name_es=es, name_pl=pl, category=garden
        )
        PriceFactory(price_list=pln, product=product, price=Decimal("49.00"))
    PriceFactory(
        price_list=pln,
        product=product,
        min_quantity=10,
        price=Decimal("45.00"),
    )
    drill = stocked_product(
        5, mad, sku="DRILL", name_es="Taladro", name_pl="Wiertarka", category=tools
    )
    PriceFactory(price_list=pln, product=drill, price=Decimal("429.00"))
    stocked_product(5, mad, sku="NO-PLN", name_es="Sin precio", category=garden)
    company = CompanyFactory(
        legal_name="Hurtownia Kowalski", country="PL", language="pl", currency="PLN"
    )
    CustomerUserFactory(company=company, email="kowalski@example.pl", role=CustomerRole.BUYER)

    context = browser.new_context(locale="pl-PL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, f"{live_server.url}/portal/login/", "kowalski@example.pl")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    page.goto(f"{live_server.url}/portal/catalog/")
    table = page.locator("#catalog-table")
    expect(table).to_contain_text("Wiertarka")
    expect(table).not_to_contain_text("Sin precio")  # no PLN price: not offered

    # Search in Polish, then narrow to a category.
    page.fill("#catalog-q", "grab")
    page.click("#catalog-filters button[type=submit]")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Grabie")
    page.fill("#catalog-q", "")
    page.select_option("#catalog-filters select[name=category]", label="Ogród")
    page.click("#catalog-filters button[type=submit]")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).not_to_contain_text("Wiertarka")
    filtered = page.url

    # The product page: Polish name, price in PLN with its break, return policy.
    page.get_by_role("link", name="Grabie").click()
    expect(page.locator("h1")).to_have_text("Grabie")
    expect(page.locator("#product-price")).to_contain_text("PLN")
    expect(page.locator("#price-breaks")).to_contain_text("10")
    expect(page.locator("#return-policy")).to_contain_text("Nieużywane, w oryginalnym opakowaniu")
    expect(page.locator("#product-stock")).to_contain_text("30")
    page.click("#back-to-catalog")
    expect(page).to_have_url(filtered)

    # Add from the filtered list: back on the same filtered page, with a message.
    row = table.locator('tr[data-sku="GARDEN-0"]')
    row.locator("input[name=quantity]").fill("3")
    row.locator("button[type=submit]").click()
    expect(page).to_have_url(filtered)
    expect(page.locator(".alert-success")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(page.locator("#catalog-filters select[name=category]")).to_have_value(str(garden.pk))
    page.goto(f"{live_server.url}/portal/cart/")
    expect(page.locator("#cart-lines")).to_contain_text("Łopata")
    context.close()
