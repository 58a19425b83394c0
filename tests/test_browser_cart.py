"""The cart lasts and tells the truth before placing: a buyer adds from the catalog,
signs out and in again, finds the cart with stock and totals, reduces an over-stock
line and places; an order above the buyer's limit waits until an admin approves it in
the portal, and then the seller sees it in the pending queue."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers.models import CustomerRole
from customers.tests.factories import CompanyFactory, CustomerUserFactory, StaffUserFactory
from inventory.tests.factories import WarehouseFactory
from orders.models import Order, OrderStatus
from orders.tests.factories import stocked_product
from tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cart_lasts_shows_stock_and_totals_and_an_approval(live_server, page, browser):
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    stocked_product(5, mad, sku="DRILL-18V", name="Taladro 18 V", unit_price=Decimal("100.00"))
    stocked_product(100, mad, sku="GLOVES-L", name="Guantes L", unit_price=Decimal("4.95"))
    company = CompanyFactory(legal_name="Ferretería Gómez S.L.")
    CustomerUserFactory(
        company=company,
        email="buyer@gomez.example",
        role=CustomerRole.BUYER,
        order_limit=Decimal("300.00"),
    )
    CustomerUserFactory(company=company, email="admin@gomez.example", role=CustomerRole.ADMIN)
    StaffUserFactory(email="boss@example.com", is_superuser=True)
    base = live_server.url

    # Add from the catalog: 8 drills (5 in stock) and 3 pairs of gloves.
    sign_in(page, f"{base}/portal/login/", "buyer@gomez.example")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    page.get_by_role("link", name=re.compile("Catálogo")).first.click()
    drill_row = page.locator("tr", has_text="DRILL-18V")
    drill_row.locator("input[name=quantity]").fill("8")
    drill_row.get_by_role("button").click()
    gloves_row = page.locator("tr", has_text="GLOVES-L")
    gloves_row.locator("input[name=quantity]").fill("3")
    gloves_row.get_by_role("button").click()
    expect(page.locator("#menu-badge-cart")).to_contain_text("2")

    # Sign out, sign in again: the cart is still there.
    page.click(".user-menu .dropdown-toggle")
    page.locator(".user-menu form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/portal/login/"))
    sign_in(page, f"{base}/portal/login/", "buyer@gomez.example")
    expect(page.locator("#menu-badge-cart")).to_contain_text("2")
    page.locator("a.nav-link", has_text="Carrito").click()
    expect(page.locator("#cart-lines")).to_contain_text("DRILL-18V")
    drill = page.locator('#cart-lines tr[data-sku="DRILL-18V"]')
    expect(drill).to_have_attribute("data-short", "3")
    expect(drill.locator("[data-available]")).to_have_text("5")
    expect(page.locator("#cart-totals [data-total]")).not_to_be_empty()

    # The review shows stock and totals and will not place the over-stock line.
    page.click("#checkout button[type=submit]")
    expect(page.locator("#stock-warnings")).to_contain_text("DRILL-18V")
    expect(page.locator("#place-order button[type=submit]")).to_be_disabled()
    expect(page.locator("[data-total]")).not_to_be_empty()

    # Back to the cart: reduce the line to what is available, review, place.
    page.goto(f"{base}/portal/cart/")
    page.locator('#cart-lines tr[data-sku="DRILL-18V"] button[value=reduce]').click()
    expect(page.locator('#cart-lines tr[data-sku="DRILL-18V"] input.qty-input')).to_have_value("5")
    page.click("#checkout button[type=submit]")
    expect(page.locator("#over-limit")).to_be_visible()  # 5 x 100 + gloves, above 300
    page.click("#place-order button[type=submit]")
    expect(page.locator("#approval")).to_be_visible()
    order = Order.objects.get()
    assert order.awaiting_approval and order.lines.get(sku="DRILL-18V").quantity == 5

    # An admin of the company approves it in the portal.
    admin_context = browser.new_context(locale="es-ES")
    admin = admin_context.new_page()
    admin.set_default_timeout(15_000)
    sign_in(admin, f"{base}/portal/login/", "admin@gomez.example")
    admin.goto(f"{base}/portal/approvals/")
    admin.get_by_role("link", name=order.number).click()
    admin.fill("#approval-form textarea[name=note]", "Presupuesto OK")
    admin.click("#approve-order")
    expect(admin.locator("#approval")).to_have_count(0)
    admin_context.close()

    # The seller sees it in the pending queue.
    staff_context = browser.new_context(locale="es-ES")
    staff = staff_context.new_page()
    staff.set_default_timeout(15_000)
    sign_in(staff, f"{base}/backoffice/login/", "boss@example.com")
    staff.goto(f"{base}/backoffice/orders/")
    expect(staff.get_by_role("link", name=order.number)).to_be_visible()
    staff_context.close()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDIENTE and not order.awaiting_approval
