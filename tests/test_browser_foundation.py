import re

import pytest
from playwright.sync_api import expect

from customers.models import CustomerRole
from customers.tests.factories import (
    CompanyFactory,
    CustomerUserFactory,
    StaffUserFactory,
)
from tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_adds_a_timeline_note_and_customer_sees_profile(live_server, page):
    company = CompanyFactory(legal_name="Ferretería Gómez S.L.", city="Madrid")
    StaffUserFactory(email="service@example.com", roles=["customer_service"])
    CustomerUserFactory(company=company, email="buyer@gomez.example", role=CustomerRole.BUYER)
    CompanyFactory(legal_name="Otra Empresa S.A.")

    sign_in(page, f"{live_server.url}/backoffice/login/", "service@example.com")
    expect(page).to_have_url(re.compile(r"/backoffice/$"))
    page.get_by_role("link", name="Clientes", exact=True).click()
    page.get_by_role("link", name="Ferretería Gómez S.L.").click()
    expect(page.locator("h1")).to_contain_text("Ferretería Gómez S.L.")

    page.select_option("select[name=kind]", "call")
    page.fill("input[name=summary]", "Llamada: pide adelantar la entrega")
    page.fill("textarea[name=body]", "Necesita el material antes del viernes.")
    page.select_option("select[name=visibility]", "customer")
    page.locator("#timeline button[type=submit]").click()
    # HTMX swaps the timeline in place: the note appears without a page load.
    expect(page.locator("#timeline .timeline-entry").first).to_contain_text(
        "Llamada: pide adelantar la entrega"
    )
    assert company.timeline.filter(
        summary="Llamada: pide adelantar la entrega", kind="call"
    ).exists()

    page.locator(".user-menu .dropdown-toggle").click()
    page.get_by_role("button", name=re.compile("Cerrar sesión|Sign out")).click()
    expect(page).to_have_url(re.compile(r"/backoffice/login/"))

    sign_in(page, f"{live_server.url}/portal/login/", "buyer@gomez.example")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("main")).to_contain_text("Llamada: pide adelantar la entrega")
    page.locator("nav .nav-link", has_text=re.compile("Empresa|Company")).click()
    expect(page.locator("main")).to_contain_text("Ferretería Gómez S.L.")
    expect(page.locator("main")).to_contain_text(company.tax_id)
    expect(page.locator("main")).not_to_contain_text("Otra Empresa S.A.")
