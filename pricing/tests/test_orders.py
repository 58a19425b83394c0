"""Orders priced through pricing: over HTTP (API placement) and the services."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from apikeys.services import create_api_key
from apikeys.tests.api_fixtures import api  # noqa: F401
from customers.tests.factories import CompanyFactory
from orders import services as orders
from orders.errors import CouponNotApplicable, InvalidOrder
from orders.models import Order, OrderLine
from orders.pricing import currency_amount, shipping_cost
from orders.services.quote import quote_order
from orders.tests.factories import CouponFactory, stocked_product
from pricing.models import CustomerPricing

from .factories import ContractPriceFactory, PriceFactory, PriceListFactory, default_list

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def catalog(db):
    from inventory.tests.factories import WarehouseFactory

    mad = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    drill = stocked_product(50, mad, sku="DRILL-18V", unit_price=D("100.00"))
    gloves = stocked_product(500, mad, sku="GLOVES-L", unit_price=D("4.95"))
    lamp = stocked_product(10, mad, sku="LAMP-1", unit_price=D("30.00"))
    return drill, gloves, lamp


def test_a_pln_company_orders_in_pln_from_its_list_over_http(api, catalog):  # noqa: F811
    drill, gloves, _lamp = catalog
    company = CompanyFactory(currency="PLN", country="PL", discount_percent=D("10"))
    special = PriceListFactory(code="PLN-VIP", currency="PLN")
    CustomerPricing.objects.create(company=company, price_list=special)
    PriceFactory(price_list=special, product=drill, price=D("430.00"))
    PriceFactory(price_list=special, product=gloves, price=D("21.00"))
    PriceFactory(price_list=special, product=gloves, min_quantity=100, price=D("19.00"))
    ContractPriceFactory(company=company, product=drill, price=D("400.00"))
    client = api(create_api_key(name="ERP")[1])
    response = client.post(
        "/api/v1/orders/",
        {
            "customer": company.pk,
            "po_number": "PL-1",
            "lines": [{"sku": "DRILL-18V", "quantity": 1}, {"sku": "GLOVES-L", "quantity": 100}],
            "shipping_method": "standard",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["currency"] == "PLN"
    lines = {line["sku"]: line for line in data["lines"]}
    assert lines["DRILL-18V"]["unit_price"] == "400.00"  # contract: no 10 %
    assert lines["DRILL-18V"]["price_source"] == "contract"
    assert lines["GLOVES-L"]["unit_price"] == "17.10"  # break 19.00 less 10 %
    assert lines["GLOVES-L"]["price_source"] == "break"
    assert lines["GLOVES-L"]["list_price"] == "21.00"
    assert data["totals"]["subtotal"] == "2110.00"
    # Free shipping: 2110 PLN is above the PLN threshold (1300.00).
    assert data["totals"]["shipping"] == "0.00"
    stored = OrderLine.objects.get(order__number=data["number"], sku="GLOVES-L")
    assert (stored.price_source, stored.unit_price) == ("break", D("17.10"))
    detail = client.get(f"/api/v1/orders/{data['number']}/").json()
    assert {line["price_source"] for line in detail["lines"]} == {"contract", "break"}


def test_a_product_without_a_price_is_a_400_on_its_line(api, catalog):  # noqa: F811
    drill, _gloves, _lamp = catalog
    company = CompanyFactory(currency="PLN")
    PriceFactory(price_list=default_list("PLN"), product=drill, price=D("430.00"))
    key = create_api_key(name="Procurement", company=company)[1]
    response = api(key).post(
        "/api/v1/orders/",
        {
            "po_number": "PL-2",
            "lines": [{"sku": "DRILL-18V", "quantity": 1}, {"sku": "LAMP-1", "quantity": 1}],
        },
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert list(fields) == ["lines.1.sku"]
    assert "LAMP-1" in fields["lines.1.sku"][0] and "PLN" in fields["lines.1.sku"][0]
    assert not Order.objects.exists()


def test_no_price_list_in_the_currency_is_a_clear_error(catalog):
    company = CompanyFactory(currency="PLN")
    pln = default_list("PLN")
    pln.active = False
    pln.save()
    with translation.override("en"), pytest.raises(InvalidOrder) as error:
        quote_order(company=company, lines=[{"sku": "DRILL-18V", "quantity": 1}])
    assert error.value.fields["lines.0.sku"] == ["There is no price list in PLN."]


def test_merged_spellings_take_the_break_of_their_total(catalog):
    _drill, gloves, _lamp = catalog
    PriceFactory(price_list=default_list(), product=gloves, min_quantity=10, price=D("4.00"))
    quote = quote_order(
        company=CompanyFactory(),
        lines=[{"sku": "GLOVES-L", "quantity": 6}, {"sku": "gloves-l", "quantity": 6}],
    )
    [line] = quote.lines
    assert (line.quantity, line.unit_price, line.price_source) == (12, D("4.00"), "break")


def test_shipping_threshold_and_costs_per_currency(settings):
    settings.FREE_SHIPPING_THRESHOLD = "300.00"
    settings.FREE_SHIPPING_THRESHOLD_PLN = "1300.00"
    settings.SHIPPING_COST_STANDARD_PLN = "42.00"
    settings.SHIPPING_COST_EXPRESS_PLN = "85.00"
    assert shipping_cost("standard", D("500.00"), "EUR") == D("0.00")
    assert shipping_cost("standard", D("500.00"), "PLN") == D("42.00")
    assert shipping_cost("standard", D("1300.00"), "PLN") == D("0.00")
    assert shipping_cost("express", D("5000.00"), "PLN") == D("85.00")
    assert currency_amount("AUTO_HOLD_FIRST_ORDER_ABOVE", "PLN") == D(
        settings.AUTO_HOLD_FIRST_ORDER_ABOVE_PLN
    )


def test_first_order_hold_threshold_per_currency(settings, catalog):
    drill, _gloves, _lamp = catalog
    settings.AUTO_HOLD_FIRST_ORDER_ABOVE = "100.00"
    settings.AUTO_HOLD_FIRST_ORDER_ABOVE_PLN = "5000.00"
    company = CompanyFactory(currency="PLN", payment_terms="prepaid")
    PriceFactory(price_list=default_list("PLN"), product=drill, price=D("430.00"))
    order = orders.place_order(
        actor=None, company=company, lines=[{"sku": "DRILL-18V", "quantity": 2}]
    )
    assert order.total > D("100.00") and not order.on_hold  # 860 PLN + VAT < 5000 PLN


def test_a_fixed_amount_coupon_only_applies_in_its_currency(catalog):
    drill, _gloves, _lamp = catalog
    PriceFactory(price_list=default_list("PLN"), product=drill, price=D("430.00"))
    CouponFactory(code="MINUS50", kind="fixed", value=D("50.00"), currency="PLN")
    CouponFactory(code="TEN", kind="percent", value=D("10.00"))
    lines = [{"sku": "DRILL-18V", "quantity": 1}]
    pln = quote_order(company=CompanyFactory(currency="PLN"), lines=lines, coupon="MINUS50")
    assert pln.totals.discount == D("50.00") and pln.currency == "PLN"
    with pytest.raises(CouponNotApplicable) as error:
        quote_order(company=CompanyFactory(currency="EUR"), lines=lines, coupon="MINUS50")
    assert "PLN" in error.value.message
    eur = quote_order(company=CompanyFactory(currency="EUR"), lines=lines, coupon="TEN")
    assert eur.totals.discount == D("10.00")


def test_a_fixed_coupon_needs_a_currency():
    from django.core.exceptions import ValidationError

    from orders.models import Coupon

    coupon = CouponFactory.build(code="FIX", kind="fixed", value=D("5.00"), currency="")
    with pytest.raises(ValidationError) as error:
        coupon.full_clean()
    assert "currency" in error.value.message_dict
    percent = CouponFactory.build(code="PCT", kind="percent", currency="EUR")
    percent.full_clean()
    assert percent.currency == "" and isinstance(percent, Coupon)


def test_the_portal_cart_shows_the_company_prices(client, catalog):
    from django.urls import reverse

    from customers.models import CustomerRole
    from customers.tests.factories import CustomerUserFactory

    drill, _gloves, _lamp = catalog
    company = CompanyFactory(currency="PLN")
    PriceFactory(price_list=default_list("PLN"), product=drill, price=D("430.00"))
    buyer = CustomerUserFactory(company=company, role=CustomerRole.BUYER)
    client.force_login(buyer)
    for sku in ("DRILL-18V", "GLOVES-L"):
        client.post(reverse("portal:cart_update"), {"action": "add", "sku": sku, "quantity": 2})
    page = client.get(reverse("portal:cart"))
    assert page.status_code == 200
    rows = {row.sku: row for row in page.context["rows"]}
    assert rows["DRILL-18V"].unit_price == D("430.00")  # złoty, not the 100.00 EUR
    assert rows["GLOVES-L"].unit_price is None  # no PLN price: not orderable


def test_the_coupon_form_asks_the_currency_of_a_fixed_amount(client, manager):
    from django.urls import reverse

    from orders.models import Coupon

    client.force_login(manager)
    data = {
        "code": "MINUS20",
        "kind": "fixed",
        "value": "20.00",
        "minimum_order": "0.00",
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
        "active": "on",
    }
    response = client.post(reverse("backoffice:coupon_create"), data)
    assert response.status_code == 400 and not Coupon.objects.exists()
    response = client.post(reverse("backoffice:coupon_create"), {**data, "currency": "PLN"})
    assert response.status_code == 302
    assert Coupon.objects.get(code="MINUS20").currency == "PLN"
    page = client.get(reverse("backoffice:coupon_list")).content.decode()
    assert re.search(r"20[.,]00\xa0PLN", page)
