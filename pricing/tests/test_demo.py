from decimal import Decimal

import pytest

from customers import demo as customers_demo
from customers.models import Company
from inventory import demo as inventory_demo
from inventory.models import Product
from pricing import demo
from pricing.models import ContractPrice, Price, PriceList
from pricing.resolution import resolve_price

pytestmark = pytest.mark.django_db


def test_demo_prices_are_zloty_and_idempotent():
    customers_demo.seed()
    inventory_demo.seed()
    demo.seed()
    counts = (Price.objects.count(), ContractPrice.objects.count(), PriceList.objects.count())
    demo.seed()
    assert (Price.objects.count(), ContractPrice.objects.count(), PriceList.objects.count()) == (
        counts
    )
    kowalski = Company.objects.get(legal_name__contains="Kowalski")
    spanish = Product.objects.exclude(sku__contains="-PL-").filter(unit_price__gte=10).first()
    result = resolve_price(kowalski, spanish)
    assert result.currency == "PLN" and result.price_list.code == "PLN-DYSTR"
    # About 4.3 x the euro figure (less the distributor's 6 %), never the euro figure.
    assert spanish.unit_price * 3 < result.unit_price < spanish.unit_price * 5
    assert Price.objects.filter(min_quantity__gt=1, price_list__code="PLN-DYSTR").exists()
    assert Price.objects.filter(min_quantity__gt=1, price_list__code="PLN").exists()
    assert Price.objects.filter(min_quantity__gt=1, price_list__code="EUR").exists()
    gomez = Company.objects.get(legal_name__contains="Gómez")
    contract = ContractPrice.objects.filter(company=gomez).first()
    assert contract.price < contract.product.unit_price
    assert resolve_price(gomez, contract.product).source == "contract"
    assert resolve_price(gomez, contract.product).unit_price == contract.price
    assert contract.price == (contract.product.unit_price * Decimal("0.85")).quantize(
        Decimal("0.01")
    )
