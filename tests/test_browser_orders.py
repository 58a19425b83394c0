"""A buyer places an order through quick order in the portal, staff prepare and ship it
in the back-office, and the buyer sees it shipped with the carrier's tracking link."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import CustomerRole
from customers.tests.factories import (
    CompanyFactory,
    CustomerUserFactory,
    StaffUserFactory,
)
from inventory.tests.factories import WarehouseFactory
from orders.models import Order, OrderStatus
from orders.tests.factories import CarrierFactory, stocked_product
from tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_quick_order_prepare_ship_and_track(live_server, page, browser):
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    stocked_product(20, mad, sku="DRILL-18V", name="Taladro 18 V")
    CarrierFactory(
        code="seur",
        name="SEUR",
        tracking_url_template="https://www.seur.com/livetracking/?segOnlineIdentificador={tracking}",
    )
    company = CompanyFactory(legal_name="Ferretería Gómez S.L.")
    CustomerUserFactory(company=company, email="buyer@gomez.example", role=CustomerRole.BUYER)
    StaffUserFactory(email="boss@example.com", is_superuser=True)

    # The buyer: quick order by SKU, review, place.
    sign_in(page, f"{live_server.url}/portal/login/", "buyer@gomez.example")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    page.goto(f"{live_server.url}/portal/cart/")
    page.fill("#quick-order textarea[name=lines]", "DRILL-18V 2")
    page.click("#quick-order button[type=submit]")
    expect(page.locator("#cart-lines")).to_contain_text("DRILL-18V")
    page.fill("#checkout input[name=po_number]", "PO-BROWSER-1")
    page.click("#checkout button[type=submit]")
    expect(page.locator("#place-order")).to_be_visible()
    page.click("#place-order button[type=submit]")
    expect(page.locator(".order-status")).to_have_attribute("data-status", "pendiente")
    order = Order.objects.get()
    assert order.po_number == "PO-BROWSER-1" and order.channel == "portal"
    expect(page.locator("h1")).to_contain_text(order.number)

    # Staff in the back-office: prepare, then ship with carrier, tracking and date.
    staff_context = browser.new_context(locale="es-ES")
    staff = staff_context.new_page()
    staff.set_default_timeout(15_000)
    sign_in(staff, f"{live_server.url}/backoffice/login/", "boss@example.com")
    expect(staff).to_have_url(re.compile(r"/backoffice/$"))
    staff.goto(f"{live_server.url}/backoffice/orders/")
    staff.get_by_role("link", name=order.number).click()
    expect(staff.locator('#checklist [data-check="stock"]')).to_have_attribute(
        "data-passed", "true"
    )
    staff.click("button[value=prepare]")
    expect(staff.locator(".order-status")).to_have_attribute("data-status", "en_preparacion")
    staff.click('[data-bs-target="#form-ship"]')
    staff.select_option("select[name=ship-carrier]", "seur")
    staff.fill("input[name=ship-tracking_number]", "SEUR-778899")
    estimated = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    staff.fill("input[name=ship-estimated_delivery]", estimated)
    staff.click("#form-ship button[type=submit]")
    expect(staff.locator(".order-status")).to_have_attribute("data-status", "enviado")
    expect(staff.locator("#shipment")).to_contain_text("SEUR-778899")
    staff_context.close()
    order.refresh_from_db()
    assert order.status == OrderStatus.ENVIADO

    # The buyer sees it shipped, with the tracking link.
    page.goto(f"{live_server.url}/portal/orders/{order.number}/")
    expect(page.locator(".order-status")).to_have_attribute("data-status", "enviado")
    expect(page.locator("#tracking-link")).to_have_attribute(
        "href", "https://www.seur.com/livetracking/?segOnlineIdentificador=SEUR-778899"
    )
    expect(page.locator('[data-step="enviado"]')).to_have_class(re.compile("fw-bold"))
