"""A buyer in a real browser: the order pad adds all usual products to the cart, the
account page downloads the statement PDF, the search box finds an order by its number
(keyboard only), and the pad and account pages fit a phone's width with no CSP
violation."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.roles import StaffRole
from customers.models import CustomerRole
from customers.tests.factories import CompanyFactory, CustomerUserFactory, StaffUserFactory
from documents import services as documents
from inventory.tests.factories import WarehouseFactory
from orders import services as orders
from orders.models import CartLine
from orders.tests.factories import stocked_product
from tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _overflow(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def test_pad_to_cart_statement_pdf_and_search_by_order_number(live_server, browser, tmp_path):
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    stocked_product(80, mad, sku="DRILL-18V", name="Taladro 18 V", unit_price=Decimal("100.00"))
    stocked_product(300, mad, sku="GLOVES-L", name="Guantes L", unit_price=Decimal("4.95"))
    company = CompanyFactory(legal_name="Ferretería Gómez S.L.", credit_limit=Decimal("5000.00"))
    buyer = CustomerUserFactory(
        company=company, role=CustomerRole.BUYER, email="b@gomez.example", language="en"
    )
    staff = StaffUserFactory(email="cs@example.com", roles=[StaffRole.CUSTOMER_SERVICE])
    order = orders.place_order(
        actor=staff,
        company=company,
        lines=[{"sku": "DRILL-18V", "quantity": 2}, {"sku": "GLOVES-L", "quantity": 10}],
        po_number="PO-BROWSER-1",
    )
    invoice = documents.issue_invoice(order=order)

    context = browser.new_context(locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, f"{live_server.url}/portal/login/", buyer.email)
    expect(page).to_have_url(re.compile(r"/portal/$"))

    # The order pad from the menu: the usual products with their last price.
    page.locator("#mainnav").get_by_role("link", name="Order pad").click()
    expect(page).to_have_url(re.compile(r"/portal/pad/$"))
    expect(page.locator("#mainnav a[aria-current=page]")).to_have_text("Order pad")
    table = page.locator("#pad-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tr[data-sku=DRILL-18V]")).to_contain_text("100.00")
    page.locator("tr[data-sku=DRILL-18V] input.qty-input").fill("3")
    page.locator("tr[data-sku=GLOVES-L] input.qty-input").fill("25")
    page.click("#pad-add-cart")
    expect(page).to_have_url(re.compile(r"/portal/cart/$"))
    expect(page.locator("main")).to_contain_text("DRILL-18V")
    expect(page.locator("main")).to_contain_text("GLOVES-L")
    assert dict(CartLine.objects.values_list("product__sku", "quantity")) == {
        "DRILL-18V": 3,
        "GLOVES-L": 25,
    }

    # The account page: credit figures, the invoice, and the statement as a PDF.
    page.locator("#mainnav").get_by_role("link", name="Account").click()
    expect(page).to_have_url(re.compile(r"/portal/account/$"))
    expect(page.locator("#credit-figures [data-figure=limit]")).to_contain_text("5,000.00")
    expect(page.locator("#due-invoices")).to_contain_text(invoice.number)
    with page.expect_download() as download_info:
        page.locator("#statement-form").get_by_role("button", name="PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("statement-")
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # The statement page shows the invoice and the balances.
    page.get_by_role("button", name="Show statement").click()
    expect(page.locator("#statement")).to_contain_text(invoice.number)
    expect(page.locator("#closing-balance")).to_contain_text(f"{invoice.total:,.2f}")

    # Search by the order number, with the keyboard only: the order opens.
    page.locator("#portal-search-q").focus()
    page.keyboard.type(order.number)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/portal/orders/{order.number}/$"))
    expect(page.locator("h1")).to_contain_text(order.number)

    # A phone's width: no sideways scrolling on the pad and the account pages.
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ("/portal/pad/", "/portal/account/", "/portal/account/invoices/"):
        page.goto(f"{live_server.url}{path}")
        assert not _overflow(page), path
    page.locator(".navbar-toggler").click()
    expect(page.locator("#portal-search-q")).to_be_visible()
    assert not violations, violations
    context.close()
