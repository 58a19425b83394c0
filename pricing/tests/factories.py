from decimal import Decimal

import factory

from customers.tests.factories import CompanyFactory
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
