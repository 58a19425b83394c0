"""The delivered email's rating link: one click in a browser records the rating (the
page submits itself), while fetching the link without running scripts records nothing."""

import pytest
from playwright.sync_api import expect

from customers.models import CustomerRole
from customers.tests.factories import CompanyFactory, CustomerUserFactory
from notifications.emails import rating_token
from notifications.models import SatisfactionRating
from orders import services
from orders.models import Order, OrderStatus
from orders.tests.factories import stocked_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_click_in_a_browser_rates_the_order(live_server, page, client):
    stocked_product(10, sku="DRILL-18V", name="Taladro 18 V")
    company = CompanyFactory(legal_name="Ferretería Gómez S.L.")
    buyer = CustomerUserFactory(company=company, role=CustomerRole.BUYER)
    order = services.place_order(actor=buyer, lines=[{"sku": "DRILL-18V", "quantity": 1}])
    # The rating page is what is under test here, not the state machine.
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.ENTREGADO)
    url = f"{live_server.url}/rate/{rating_token(order.pk, 5)}/"

    # A link scanner: fetches the page, runs no script.
    assert client.get(url.removeprefix(live_server.url)).status_code == 200
    assert not SatisfactionRating.objects.exists()

    # A person: one click on the link in the email.
    page.goto(url)
    expect(page.locator("#rating-result h1")).to_have_text("¡Gracias por su valoración!")
    assert SatisfactionRating.objects.get(order=order).score == 5
