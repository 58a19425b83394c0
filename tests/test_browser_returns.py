"""A buyer starts a return with a photo from a delivered order (seeing the live
eligibility explanation), staff authorize, receive, inspect and refund it in the
back-office, and the buyer downloads the credit note."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from customers.models import CustomerRole
from customers.tests.factories import CompanyFactory, CustomerUserFactory, StaffUserFactory
from inventory.tests.factories import CategoryFactory, WarehouseFactory
from orders import services as orders
from orders.tests.factories import CarrierFactory, stocked_product
from returns.models import Return
from tests.browser import sign_in, take_action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _delivered_order(company, manager):
    order = orders.place_order(
        actor=manager, company=company, lines=[{"sku": "DRILL-18V", "quantity": 2}]
    )
    order = orders.prepare_order(order=order, actor=manager)
    order = orders.ship_order(
        order=order,
        actor=manager,
        carrier=orders.resolve_carrier("seur"),
        tracking_number="SEUR-1",
        estimated_delivery=timezone.localdate() + dt.timedelta(days=1),
    )
    return orders.deliver_order(
        order=order, actor=manager, delivered_at=timezone.now() - dt.timedelta(days=2)
    )


def test_return_with_photo_authorize_receive_inspect_refund(live_server, page, browser):
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    electronics = CategoryFactory(name="Electrónica", return_window_days=14)
    stocked_product(20, mad, sku="DRILL-18V", name="Taladro 18 V", category=electronics)
    CarrierFactory(code="seur", name="SEUR")
    company = CompanyFactory(legal_name="Ferretería Gómez S.L.")
    CustomerUserFactory(company=company, email="buyer@gomez.example", role=CustomerRole.BUYER)
    boss = StaffUserFactory(email="boss@example.com", is_superuser=True)
    order = _delivered_order(company, boss)

    # The buyer: "Return items" on the delivered order, one drill, defective, a photo.
    sign_in(page, f"{live_server.url}/portal/login/", "buyer@gomez.example")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    page.goto(f"{live_server.url}/portal/orders/{order.number}/")
    page.click("#return-items")
    line = order.lines.get()
    page.fill(f"input[name=quantity_{line.pk}]", "1")
    page.select_option(f"select[name=reason_{line.pk}]", "defective")
    expect(page.locator('#eligibility [data-sku="DRILL-18V"]')).to_have_attribute(
        "data-eligible", "true"
    )
    page.set_input_files(
        "input[name=files]",
        files=[{"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": _photo()}],
    )
    page.click("#return-form button[type=submit]")
    expect(page.locator("#return-progress")).to_be_visible()
    ret = Return.objects.get()
    expect(page.locator("h1")).to_contain_text(ret.number)
    expect(page.locator("#attachments")).to_contain_text(".jpg")

    # Staff: authorize, receive, inspect, refund.
    staff_context = browser.new_context(locale="es-ES")
    staff = staff_context.new_page()
    staff.set_default_timeout(15_000)
    sign_in(staff, f"{live_server.url}/backoffice/login/", "boss@example.com")
    expect(staff).to_have_url(re.compile(r"/backoffice/$"))
    staff.goto(f"{live_server.url}/backoffice/returns/")
    staff.get_by_role("link", name=ret.number).click()
    # Each step waits for the state it leads to (the previous page's success message
    # would satisfy a wait for "a success message" before the new page has loaded).
    steps = {
        "authorize": "autorizada",
        "receive": "recibida",
        "inspect": "inspeccionada",
        "resolve": "resuelta",
    }
    for action, reached in steps.items():
        fill = None
        if action == "resolve":

            def fill(page):
                page.select_option("select[name=resolve-resolution]", "refund")

        take_action(staff, action, reached, fill=fill)
    staff_context.close()
    ret.refresh_from_db()
    assert ret.status == "resuelta" and ret.credit_note is not None

    # The buyer downloads the credit note.
    page.goto(f"{live_server.url}/portal/returns/{ret.number}/")
    link = page.locator("#credit-note-link")
    expect(link).to_contain_text(ret.credit_note.number)
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.body().startswith(b"%PDF")
