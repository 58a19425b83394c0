"""A manager opens the dashboard, changes the range, follows a figure to the list
behind it and exports that list as CSV."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.tests.factories import CompanyFactory, StaffUserFactory
from dashboard.tests.builders import make_delivered, make_order
from tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_range_drill_down_and_export(live_server, page):
    company = CompanyFactory(legal_name="Ferretería Gómez S.L.")
    StaffUserFactory(email="boss@example.com", is_superuser=True)
    now = timezone.now()
    held = make_order(company, placed=now, on_hold=True, hold_reason="Call the buyer")
    make_order(company, placed=now - dt.timedelta(days=20))
    page.set_extra_http_headers({"Accept-Language": "en"})

    sign_in(page, f"{live_server.url}/backoffice/login/", "boss@example.com")
    expect(page).to_have_url(re.compile(r"/backoffice/$"))
    placed = page.locator('[data-figure="placed"] .display-6')
    expect(placed).to_have_text("2")  # the last 30 days by default

    page.click('a[data-range="7d"]')
    expect(page).to_have_url(re.compile(r"range=7d"))
    expect(placed).to_have_text("1")

    # A custom range without today.
    page.fill("#range-from", "2020-01-01")
    page.fill("#range-to", "2020-01-31")
    page.click("#range-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"from=2020-01-01&to=2020-01-31"))
    expect(placed).to_have_text("0")

    # The held orders, behind their figure.
    expect(page.locator('[data-figure="held"] .display-6')).to_have_text("1")
    page.click('[data-figure="held"]')
    expect(page).to_have_url(re.compile(r"/backoffice/orders/\?tab=held$"))
    expect(page.get_by_role("link", name=held.number)).to_be_visible()
    with page.expect_download() as download_info:
        page.locator('a[href*="export=csv"]').first.click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert held.number in content


@pytest.mark.parametrize("language", ["es", "pl"])
@pytest.mark.parametrize("width", [390, 1280])
def test_dashboard_does_not_overflow(live_server, page, language, width):
    from tests.test_browser_layout import horizontal_overflow

    company = CompanyFactory(legal_name="Ferretería Industrial Gómez S.L.")
    StaffUserFactory(email="boss@example.com", is_superuser=True)
    make_order(company, placed=timezone.now(), on_hold=True, hold_reason="Call")
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, f"{live_server.url}/backoffice/login/", "boss@example.com")
    expect(page).to_have_url(re.compile(r"/backoffice/$"))
    assert page.locator("html").get_attribute("lang") == language
    expect(page.locator("#chart-status svg")).to_be_visible()
    sizes = horizontal_overflow(page)
    assert sizes["scrollWidth"] <= sizes["clientWidth"], sizes


def test_carrier_page_and_customer_360(live_server, page):
    """A manager reads a carrier's on-time rate, follows its late deliveries to their
    list and exports it; then opens a customer's page, reads its figures for another
    range, filters its timeline by kind and follows an entry to its order."""
    from customers.services import append_timeline
    from orders.tests.factories import CarrierFactory

    company = CompanyFactory(legal_name="Ferretería Gómez S.L.")
    StaffUserFactory(email="boss@example.com", is_superuser=True, language="es")
    fast = CarrierFactory(code="fast", name="Fast Freight", transit_days_standard=2)
    now = timezone.now()
    today = timezone.localdate()
    # Delivered yesterday: one on time, one three days after its promised date.
    shipped, delivered = now - dt.timedelta(days=6), now - dt.timedelta(days=1)
    on_time, late = (
        make_delivered(
            company, fast, shipped, delivered, promised=today - dt.timedelta(days=1 + days_late)
        )
        for days_late in (0, 3)
    )
    old = make_order(company, placed=now - dt.timedelta(days=120), total="500.00")
    append_timeline(company=company, kind="order", summary="Pedido antiguo", subject=old)
    append_timeline(company=company, kind="note", summary="Llamada al comprador")
    sign_in(page, f"{live_server.url}/backoffice/login/", "boss@example.com")
    expect(page).to_have_url(re.compile(r"/backoffice/$"))

    # The carrier page (in Spanish, the manager's language): half of Fast Freight's
    # deliveries were on time.
    page.goto(f"{live_server.url}/backoffice/dashboard/carriers/")
    row = page.locator("#carrier-table tbody tr", has_text="Fast Freight")
    expect(row.locator('[data-figure="on_time"]')).to_have_text("50,0 %")
    row.locator('[data-figure="late"] a').click()
    expect(page).to_have_url(re.compile(r"/backoffice/dashboard/carriers/late/"))
    expect(page.get_by_role("link", name=late.number)).to_be_visible()
    expect(page.get_by_role("link", name=on_time.number)).to_have_count(0)
    with page.expect_download() as download_info:
        page.locator('a[href*="export=csv"]').first.click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert late.number in content and on_time.number not in content

    # The customer 360: two orders in the last 90 days (its default range), three
    # since 200 days ago.
    page.goto(f"{live_server.url}/backoffice/customers/{company.pk}/")
    placed = page.locator('#customer-360 [data-figure="orders"] a').first
    expect(placed).to_have_text("2")
    page.fill("#c360-from", (today - dt.timedelta(days=200)).isoformat())
    page.fill("#c360-to", today.isoformat())
    page.click("#c360-range-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"c360_from="))
    expect(placed).to_have_text("3")
    placed.click()
    expect(page).to_have_url(re.compile(r"/backoffice/orders/\?"))
    for order in (on_time, late, old):
        expect(page.get_by_role("link", name=order.number)).to_be_visible()

    # The timeline by kind, each entry linked to its subject.
    page.go_back()
    page.click('#timeline-filters a[data-kind="notes"]')
    expect(page.locator("#timeline")).to_contain_text("Llamada al comprador")
    expect(page.locator("#timeline")).not_to_contain_text("Pedido antiguo")
    page.click('#timeline-filters a[data-kind="orders"]')
    expect(page.locator("#timeline")).to_contain_text("Pedido antiguo")
    page.locator("#timeline").get_by_role("link", name=old.number).click()
    expect(page).to_have_url(re.compile(rf"/backoffice/orders/{old.number}/"))
