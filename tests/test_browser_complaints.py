"""A buyer files a complaint with a photo from a delivered order (in Spanish), staff
ask a question in the back-office (the resolution clock pauses), the buyer answers,
staff analyse, decide and resolve, and the buyer accepts the resolution and rates it."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from complaints.models import Complaint
from customers.models import CustomerRole
from customers.tests.factories import CompanyFactory, CustomerUserFactory, StaffUserFactory
from inventory.tests.factories import CategoryFactory, WarehouseFactory
from orders import services as orders
from orders.tests.factories import CarrierFactory, stocked_product
from tests.browser import sign_in, take_action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 40)).save(buffer, format="JPEG")
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
        tracking_number="SEUR-9",
        estimated_delivery=timezone.localdate() + dt.timedelta(days=1),
    )
    return orders.deliver_order(
        order=order, actor=manager, delivered_at=timezone.now() - dt.timedelta(days=1)
    )


def test_complaint_from_filing_to_rating(live_server, page, browser):
    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    stocked_product(20, mad, sku="DRILL-18V", name="Taladro 18 V", category=CategoryFactory())
    CarrierFactory(code="seur", name="SEUR")
    company = CompanyFactory(legal_name="Ferretería Gómez S.L.")
    CustomerUserFactory(company=company, email="buyer@gomez.example", role=CustomerRole.BUYER)
    boss = StaffUserFactory(email="boss@example.com", is_superuser=True)
    order = _delivered_order(company, boss)

    # The buyer (Spanish): "Report a problem" on the order, the drill, damage, a photo.
    sign_in(page, f"{live_server.url}/portal/login/", "buyer@gomez.example")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    page.goto(f"{live_server.url}/portal/orders/{order.number}/")
    page.click("#file-complaint")
    expect(page.locator("h1")).to_contain_text(order.number)
    page.select_option("select[name=sku]", "DRILL-18V")
    page.select_option("select[name=category]", "damage")
    page.fill("textarea[name=description]", "La caja llegó aplastada y el taladro no arranca.")
    page.set_input_files(
        "input[name=files]",
        files=[{"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": _photo()}],
    )
    page.click("#complaint-form button[type=submit]")
    expect(page.locator("#complaint-progress")).to_be_visible()
    complaint = Complaint.objects.get()
    expect(page.locator("h1")).to_contain_text(complaint.number)
    expect(page.locator("#attachments img")).to_have_count(1)

    # Staff (Polish back-office): ask the customer a question from the desk.
    staff_context = browser.new_context(locale="pl-PL")
    staff = staff_context.new_page()
    staff.set_default_timeout(15_000)
    sign_in(staff, f"{live_server.url}/backoffice/login/", "boss@example.com")
    expect(staff).to_have_url(re.compile(r"/backoffice/$"))
    staff.goto(f"{live_server.url}/backoffice/complaints/")
    expect(staff.locator("html")).to_have_attribute("lang", "pl")
    staff.get_by_role("link", name=complaint.number).click()
    expect(staff.locator('[data-clock="first_response"]')).to_be_visible()
    staff.fill("#message-form textarea[name=body]", "¿Está dañado también el embalaje interior?")
    staff.check("#message-form input[name=kind][value=question]")
    staff.click("#message-form button[type=submit]")
    expect(staff.locator("#awaiting-customer")).to_be_visible()
    expect(staff.locator('[data-clock="resolution"]')).to_have_attribute("data-state", "paused")

    # The buyer answers: the complaint no longer waits for them.
    page.goto(f"{live_server.url}/portal/complaints/{complaint.number}/")
    expect(page.locator("#awaiting-you")).to_be_visible()
    expect(page.locator("#complaint-messages")).to_contain_text("embalaje interior")
    page.fill("#reply-form textarea[name=body]", "Sí, también.")
    page.click("#reply-form button[type=submit]")
    expect(page.locator("#awaiting-you")).to_have_count(0)

    # Staff analyse, decide and resolve.
    staff.reload()
    expect(staff.locator("#awaiting-customer")).to_have_count(0)
    expect(staff.locator("#complaint-messages")).to_contain_text("Sí, también.")
    # Each step waits for the state it leads to: the previous page's success message
    # would satisfy a wait for "a success message" before the new page has loaded.
    take_action(staff, "start_analysis", "en_analisis")

    def decide(page):
        page.check("input[name=decide-decision][value=accepted]")
        page.fill("textarea[name=decide-reasoning]", "Daño en el transporte.")

    take_action(staff, "decide", "decidida", fill=decide)
    take_action(
        staff,
        "resolve",
        "resuelta",
        fill=lambda page: page.select_option("select[name=resolve-resolution]", "explanation"),
    )
    staff_context.close()

    # The buyer accepts the resolution and rates the handling.
    page.goto(f"{live_server.url}/portal/complaints/{complaint.number}/")
    page.click('[data-bs-target="#form-accept"]')
    page.click("#form-accept button[type=submit]")
    expect(page.locator("[data-status]").first).to_have_attribute("data-status", "cerrada")
    page.click('[data-bs-target="#form-rate"]')
    page.check("#form-rate input[name=rate-score][value='5']")
    page.fill("#form-rate textarea[name=rate-comment]", "Rápido y amable.")
    page.click("#form-rate button[type=submit]")
    expect(page.locator("#rating")).to_be_visible()
    complaint.refresh_from_db()
    assert complaint.status == "cerrada" and complaint.rating_score == 5


PAGE_OVERFLOW = """() => ({scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth})"""
NAV_ROWS = """() => new Set(
    Array.from(document.querySelectorAll('#mainnav .navbar-nav > .nav-item'))
        .map((item) => Math.round(item.getBoundingClientRect().top))).size"""


@pytest.mark.parametrize("language", ["es", "pl"])
def test_the_menu_fits_and_the_pages_fit_a_phone(live_server, page, language):
    from complaints import services

    StaffUserFactory(email="boss@example.com", is_superuser=True)
    company = CompanyFactory(legal_name="Ferretería Industrial Gómez S.L.")
    buyer = CustomerUserFactory(
        company=company, email="buyer@gomez.example", role=CustomerRole.BUYER
    )
    complaint = services.file_complaint(
        actor=buyer, category="service", description="Nadie contesta al teléfono " * 20
    )
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    # The back-office bar, with the complaints badge, on one line at 1280 px.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, f"{live_server.url}/backoffice/login/", "boss@example.com")
    expect(page).to_have_url(re.compile(r"/backoffice/$"))
    page.goto(f"{live_server.url}/backoffice/complaints/")
    expect(page.locator("#mainnav .badge").first).to_be_visible()
    assert page.evaluate(NAV_ROWS) == 1
    # Phone width: the desk, the register and the complaint page do not overflow.
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ("", "register/", f"{complaint.number}/", "charts/", "sla/"):
        page.goto(f"{live_server.url}/backoffice/complaints/{path}")
        sizes = page.evaluate(PAGE_OVERFLOW)
        assert sizes["scroll"] <= sizes["client"], (path, sizes)
    # And the portal's pages.
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    sign_in(page, f"{live_server.url}/portal/login/", "buyer@gomez.example")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    for path in ("", "new/", f"{complaint.number}/"):
        page.goto(f"{live_server.url}/portal/complaints/{path}")
        sizes = page.evaluate(PAGE_OVERFLOW)
        assert sizes["scroll"] <= sizes["client"], (path, sizes)
