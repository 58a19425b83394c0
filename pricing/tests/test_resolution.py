"""Price resolution with known answers: contract > break > list, then the discount."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from customers.tests.factories import CompanyFactory
from inventory.tests.factories import ProductFactory
from pricing.models import CustomerPricing, PriceSource
from pricing.resolution import company_price_list, resolve_price, resolve_prices
from pricing.selectors import orderable_products

from .factories import ContractPriceFactory, PriceFactory, PriceListFactory, default_list

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = dt.date(2026, 6, 15)


def test_default_eur_list_reads_the_product_unit_price():
    company = CompanyFactory(discount_percent=D("10"))
    product = ProductFactory(unit_price=D("49.00"))
    result = resolve_price(company, product, 1, on=TODAY)
    assert result.price_list == default_list("EUR")
    assert result.source == PriceSource.LIST
    assert result.list_price == D("49.00")
    assert result.unit_price == D("44.10")  # 49.00 less 10 %
    assert result.currency == "EUR"
    assert result.orderable and result.reason is None


def test_break_beats_list_and_the_discount_applies_after_it():
    company = CompanyFactory(discount_percent=D("5"))
    product = ProductFactory(unit_price=D("20.00"))
    eur = default_list("EUR")
    PriceFactory(price_list=eur, product=product, min_quantity=10, price=D("18.00"))
    PriceFactory(price_list=eur, product=product, min_quantity=50, price=D("15.55"))
    assert resolve_price(company, product, 9, on=TODAY).unit_price == D("19.00")
    at_ten = resolve_price(company, product, 10, on=TODAY)
    assert (at_ten.source, at_ten.base_price, at_ten.unit_price) == (
        "break",
        D("18.00"),
        D("17.10"),
    )
    at_fifty = resolve_price(company, product, 60, on=TODAY)
    # 15.55 x 0.95 = 14.7725 -> 14.77 (half up to cents)
    assert (at_fifty.source, at_fifty.unit_price) == ("break", D("14.77"))
    assert [(b.min_quantity, b.price, b.unit_price) for b in at_fifty.breaks] == [
        (10, D("18.00"), D("17.10")),
        (50, D("15.55"), D("14.77")),
    ]
    assert at_fifty.list_price == D("20.00")


def test_contract_beats_break_and_ignores_the_discount():
    company = CompanyFactory(discount_percent=D("20"))
    product = ProductFactory(unit_price=D("20.00"))
    PriceFactory(price_list=default_list(), product=product, min_quantity=10, price=D("12.00"))
    ContractPriceFactory(company=company, product=product, price=D("17.50"))
    result = resolve_price(company, product, 100, on=TODAY)
    assert result.source == PriceSource.CONTRACT
    assert result.unit_price == D("17.50")  # no 20 % on a contract price, even if higher
    assert result.discount_percent == 0
    # Another company keeps the list price less its own discount.
    other = resolve_price(CompanyFactory(discount_percent=D("20")), product, 1, on=TODAY)
    assert (other.source, other.unit_price) == ("list", D("16.00"))


def test_contract_validity_window():
    company = CompanyFactory()
    product = ProductFactory(unit_price=D("30.00"))
    ContractPriceFactory(
        company=company,
        product=product,
        price=D("25.00"),
        valid_from=dt.date(2026, 6, 1),
        valid_to=dt.date(2026, 6, 30),
    )
    assert resolve_price(company, product, on=dt.date(2026, 5, 31)).source == "list"
    assert resolve_price(company, product, on=dt.date(2026, 6, 1)).unit_price == D("25.00")
    assert resolve_price(company, product, on=dt.date(2026, 6, 30)).source == "contract"
    assert resolve_price(company, product, on=dt.date(2026, 7, 1)).unit_price == D("30.00")


def test_assigned_list_and_its_window_fall_back_to_the_currency_default():
    company = CompanyFactory(currency="PLN", discount_percent=D("0"))
    product = ProductFactory(unit_price=D("49.00"))
    PriceFactory(price_list=default_list("PLN"), product=product, price=D("210.00"))
    special = PriceListFactory(
        currency="PLN", valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 12, 31)
    )
    PriceFactory(price_list=special, product=product, price=D("199.00"))
    CustomerPricing.objects.create(company=company, price_list=special)
    inside = resolve_price(company, product, on=TODAY)
    assert (inside.price_list, inside.unit_price, inside.currency) == (special, D("199.00"), "PLN")
    after = resolve_price(company, product, on=dt.date(2027, 1, 1))
    assert (after.price_list, after.unit_price) == (default_list("PLN"), D("210.00"))
    # Never the EUR figure for a PLN company.
    assert after.unit_price != product.unit_price


def test_no_price_is_not_orderable_with_a_reason():
    company = CompanyFactory(currency="PLN")
    product = ProductFactory(sku="NOPRICE-1", unit_price=D("49.00"))
    result = resolve_price(company, product, on=TODAY)
    assert not result.orderable
    assert result.unit_price is None and result.source is None
    assert "NOPRICE-1" in result.reason and "PLN" in result.reason


def test_a_product_sold_only_from_a_quantity():
    company = CompanyFactory(currency="PLN")
    product = ProductFactory(sku="BOX-1")
    PriceFactory(price_list=default_list("PLN"), product=product, min_quantity=12, price=D("5.00"))
    assert "12" in resolve_price(company, product, 11, on=TODAY).reason
    assert resolve_price(company, product, 12, on=TODAY).unit_price == D("5.00")


def test_no_list_in_the_currency():
    company = CompanyFactory(currency="PLN")
    pln = default_list("PLN")
    pln.active = False
    pln.save()
    assert company_price_list(company, on=TODAY) is None
    result = resolve_price(company, ProductFactory(), on=TODAY)
    assert not result.orderable and "PLN" in result.reason


def test_queries_do_not_grow_with_the_lines(django_assert_num_queries):
    company = CompanyFactory(discount_percent=D("3"))
    products = ProductFactory.create_batch(20)
    for product in products[:5]:
        PriceFactory(price_list=default_list(), product=product, min_quantity=5, price=D("9.00"))
    ContractPriceFactory(company=company, product=products[7], price=D("7.00"))
    # The list's prices (telling that no contract applies): one query.
    with django_assert_num_queries(1):
        one = resolve_prices(company, [(products[0], 1)], on=TODAY)
    # With a contract price among them: the contracts too.
    with django_assert_num_queries(2):
        twenty = resolve_prices(company, [(p, 6) for p in products], on=TODAY)
    assert len(one) == 1 and len(twenty) == 20
    assert one[products[0].pk].price_list == default_list()
    assert twenty[products[0].pk].source == "break"
    assert twenty[products[7].pk].unit_price == D("7.00")
    assert twenty[products[10].pk].unit_price == D("9.70")


def test_a_list_that_prices_none_of_the_products_is_read_on_its_own(
    django_assert_max_num_queries,
):
    company = CompanyFactory(currency="PLN")
    default_list("PLN")
    product = ProductFactory(sku="NOPRICE-1")
    with translation.override("en"), django_assert_max_num_queries(3):
        resolved = resolve_prices(company, [(product, 1)], on=TODAY)[product.pk]
    assert not resolved.orderable
    assert resolved.price_list == default_list("PLN")
    assert resolved.reason == "NOPRICE-1 has no price in the price list PLN."


def test_orderable_products_only_offers_what_has_a_price():
    company = CompanyFactory(currency="PLN", discount_percent=D("10"))
    listed = ProductFactory(sku="A-1")
    contracted = ProductFactory(sku="A-2")
    ProductFactory(sku="A-3")  # no PLN price
    inactive = ProductFactory(sku="A-4", active=False)
    PriceFactory(price_list=default_list("PLN"), product=listed, price=D("100.00"))
    PriceFactory(price_list=default_list("PLN"), product=inactive, price=D("100.00"))
    ContractPriceFactory(company=company, product=contracted, price=D("55.00"))
    rows = {p.sku: p for p in orderable_products(company, on=TODAY)}
    assert set(rows) == {"A-1", "A-2"}
    assert rows["A-1"].list_price == D("100.00") and rows["A-1"].company_price == D("90.00")
    assert rows["A-2"].contract_price == D("55.00") and rows["A-2"].company_price == D("55.00")
    # Spanish (EUR) companies see the catalog with its unit prices.
    eur = {p.sku for p in orderable_products(CompanyFactory(), on=TODAY)}
    assert {"A-1", "A-2", "A-3"} <= eur and "A-4" not in eur


@pytest.mark.parametrize(
    "assigned",
    [
        {},  # none: the currency's default list
        {"currency": "PLN", "active": False},  # inactive: the default
        {"currency": "EUR"},  # another currency than the company's: the default
        {"currency": "PLN", "valid_to": dt.date(2026, 6, 14)},  # ended yesterday
        {"currency": "PLN", "valid_from": dt.date(2026, 6, 15)},  # starts today
    ],
)
def test_the_list_priced_from_is_the_rule_of_company_price_list(assigned):
    """``resolve_prices`` finds the list in SQL of its own: the same list, read back
    with the same field values, as ``company_price_list``."""
    company = CompanyFactory(currency="PLN", discount_percent=D("0"))
    product = ProductFactory(unit_price=D("49.00"))
    PriceFactory(price_list=default_list("PLN"), product=product, price=D("210.00"))
    if assigned:
        special = PriceListFactory(**assigned)
        PriceFactory(price_list=special, product=product, price=D("199.00"))
        CustomerPricing.objects.create(company=company, price_list=special)
    expected = company_price_list(company, on=TODAY)
    found = resolve_price(company, product, on=TODAY).price_list
    assert found == expected
    fields = [f.attname for f in type(expected)._meta.concrete_fields]
    assert [getattr(found, f) for f in fields] == [getattr(expected, f) for f in fields]
