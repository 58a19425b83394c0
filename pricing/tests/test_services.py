"""Pricing write services: rules, all-or-nothing batches, permissions."""

from decimal import Decimal

import pytest

from core.errors import NotAllowed
from customers.tests.factories import CompanyFactory
from inventory.tests.factories import ProductFactory
from pricing import services
from pricing.errors import InvalidPriceList, InvalidPrices
from pricing.models import ContractPrice, Price, PriceList

from .factories import PriceFactory, PriceListFactory, default_list

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_default_eur_list_stays_the_default():
    eur = default_list("EUR")
    with pytest.raises(InvalidPriceList) as error:
        services.update_price_list(price_list=eur, actor=None, is_default=False)
    assert "is_default" in error.value.fields
    with pytest.raises(InvalidPriceList):
        services.create_price_list(
            actor=None, code="EUR-2", name="Other", currency="EUR", is_default=True
        )
    assert PriceList.objects.get(currency="EUR", is_default=True) == eur


def test_one_default_per_currency_the_new_one_takes_over():
    new = services.create_price_list(
        actor=None, code="PLN-NEW", name="New", currency="PLN", is_default=True
    )
    assert list(PriceList.objects.filter(currency="PLN", is_default=True)) == [new]


def test_unknown_currency_and_reversed_window_are_refused():
    import datetime as dt

    with pytest.raises(InvalidPriceList) as error:
        services.create_price_list(actor=None, code="USD", name="Dollars", currency="USD")
    assert "currency" in error.value.fields
    with pytest.raises(InvalidPriceList) as error:
        services.create_price_list(
            actor=None,
            code="W",
            name="W",
            currency="EUR",
            valid_from=dt.date(2026, 2, 1),
            valid_to=dt.date(2026, 1, 1),
        )
    assert "valid_to" in error.value.fields
    assert not PriceList.objects.filter(code__in=["USD", "W"]).exists()


def test_a_list_with_prices_keeps_its_currency():
    price_list = PriceListFactory(currency="PLN")
    PriceFactory(price_list=price_list)
    with pytest.raises(InvalidPriceList):
        services.update_price_list(price_list=price_list, actor=None, currency="EUR")


def test_upsert_refuses_the_same_price_twice_and_writes_nothing():
    ProductFactory(sku="A")
    with pytest.raises(InvalidPrices) as error:
        services.upsert_prices(
            price_list=default_list("PLN"),
            actor=None,
            items=[{"sku": "A", "price": "1.00"}, {"sku": "A", "price": "2.00", "min_quantity": 1}],
        )
    assert set(error.value.errors) == {1}
    assert not Price.objects.exists()


def test_warehouse_staff_and_customers_cannot_change_prices(warehouse_worker, buyer):
    ProductFactory(sku="A")
    for actor in (warehouse_worker, buyer):
        with pytest.raises(NotAllowed):
            services.upsert_prices(
                price_list=default_list("PLN"), actor=actor, items=[{"sku": "A", "price": "1"}]
            )


def test_contract_prices_without_windows_cannot_overlap():
    company = CompanyFactory()
    ProductFactory(sku="A", unit_price=D("5.00"))
    services.upsert_contract_prices(company=company, actor=None, items=[{"sku": "A", "price": 4}])
    # The same (sku, no start) updates it.
    result = services.upsert_contract_prices(
        company=company, actor=None, items=[{"sku": "A", "price": "3.50"}]
    )
    assert result.updated == [("A", 1)]
    with pytest.raises(InvalidPrices) as error:
        services.upsert_contract_prices(
            company=company,
            actor=None,
            items=[{"sku": "A", "price": 3, "valid_from": "2027-01-01"}],
        )
    assert "valid_from" in error.value.errors[0]
    assert ContractPrice.objects.get().price == D("3.50")
