"""A manager opens the dashboard, changes the range, follows a figure to the list
behind it and exports that list as CSV."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.tests.factories import CompanyFactory, StaffUserFactory
from dashboard.tests.builders import make_order
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
