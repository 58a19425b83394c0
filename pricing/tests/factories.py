from decimal import Decimal

import factory

from customers.tests.factories import CompanyFactory
from inventory.models import Product
from inventory.tests.factories import ProductFactory
from pricing.models import ContractPrice, Price, PriceList


def default_list(currency: str = "EUR") -> PriceList:
    """The default list of ``currency`` (created by the migrations)."""
    return PriceList.objects.get(currency=currency, is_default=True)


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList

    code = factory.Sequence(lambda n: f"LIST-{n}")
    name = factory.Sequence(lambda n: f"List {n}")
    currency = "EUR"
    is_default = False


class PriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Price

    price_list = factory.SubFactory(PriceListFactory)
    product = factory.SubFactory(ProductFactory)
    min_quantity = 1
    price = Decimal("10.00")


class ContractPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractPrice

    company = factory.SubFactory(CompanyFactory)
    product = factory.SubFactory(ProductFactory)
    price = Decimal("8.00")


def price_every_product(currency: str = "PLN", factor: Decimal = Decimal("4.30")) -> int:
    """Give every product a price in ``currency``'s default list (its EUR unit price ×
    ``factor``), for tests that place orders in that currency; returns how many."""
    price_list = default_list(currency)
    priced = set(price_list.prices.values_list("product_id", flat=True))
    rows = [
        Price(
            price_list=price_list,
            product=product,
            min_quantity=1,
            price=(product.unit_price * factor).quantize(Decimal("0.01")),
        )
        for product in Product.objects.exclude(pk__in=priced).filter(unit_price__gt=0)
    ]
    Price.objects.bulk_create(rows)
    return len(rows)
