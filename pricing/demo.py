"""Demo prices for ``manage.py seed_demo`` (idempotent), after the catalog and the
customers exist:

- the default PLN list ``PLN`` prices every product in złoty: the Polish range at its
  Polish list figures, the Spanish range at about 4.3 x its euro price, rounded to
  half a złoty (never the euro figure read as złoty);
- ``PLN-DYSTR``, a distributor list about 6 % below (with its own breaks), assigned to
  Kowalski;
- quantity breaks (from 10 and 50 units) on a few products of the EUR and PLN lists;
- contract prices for Gómez (Spanish) on a few products.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from customers.models import Company, Currency
from inventory.models import Product

from . import services
from .models import ContractPrice, CustomerPricing, Price, PriceList

EUR_TO_PLN = Decimal("4.3")
DISTRIBUTOR_PERCENT = Decimal("94")


def _half_zloty(amount: Decimal) -> Decimal:
    """``amount`` rounded to the nearest 0.50 (at least 0.50)."""
    halves = (amount * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return max(halves / 2, Decimal("0.5")).quantize(Decimal("0.01"))


def pln_price(product: Product) -> Decimal:
    """The demo PLN list price of ``product``."""
    if "-PL-" in product.sku:
        return Decimal(product.unit_price)  # the Polish range's figures are złoty
    return _half_zloty(Decimal(product.unit_price) * EUR_TO_PLN)


def _company(name: str):
    return Company.objects.filter(legal_name__icontains=name).first()


def _list(code: str, **fields) -> PriceList:
    price_list = PriceList.objects.filter(code=code).first()
    if price_list is None:
        price_list = services.create_price_list(actor=None, code=code, **fields)
    return price_list


@transaction.atomic
def seed() -> list[tuple[str, str]]:
    products = list(Product.objects.filter(unit_price__gt=0).order_by("sku"))
    if not products:
        return []
    pln = PriceList.objects.get(currency=Currency.PLN, is_default=True)
    eur = PriceList.objects.get(currency=Currency.EUR, is_default=True)
    if not Price.objects.filter(price_list=pln).exists():
        base = {product.pk: pln_price(product) for product in products}
        items = [{"sku": p.sku, "price": base[p.pk]} for p in products]
        # Breaks on every tenth product: 5 % off from 10 units, 10 % off from 50.
        for product in products[::10]:
            for quantity, percent in ((10, 95), (50, 90)):
                items.append(
                    {
                        "sku": product.sku,
                        "min_quantity": quantity,
                        "price": _half_zloty(base[product.pk] * percent / 100),
                    }
                )
        for start in range(0, len(items), services.MAX_PRICES):
            services.upsert_prices(
                price_list=pln, actor=None, items=items[start : start + services.MAX_PRICES]
            )
        distributor = _list("PLN-DYSTR", name="Cennik dystrybutora PLN", currency=Currency.PLN)
        distributor_base = {
            p.pk: _half_zloty(base[p.pk] * DISTRIBUTOR_PERCENT / 100) for p in products
        }
        items = [{"sku": p.sku, "price": distributor_base[p.pk]} for p in products]
        for product in products[::10]:  # its own breaks: 4 % off from 10, 8 % from 50
            for quantity, percent in ((10, 96), (50, 92)):
                items.append(
                    {
                        "sku": product.sku,
                        "min_quantity": quantity,
                        "price": _half_zloty(distributor_base[product.pk] * percent / 100),
                    }
                )
        for start in range(0, len(items), services.MAX_PRICES):
            services.upsert_prices(
                price_list=distributor,
                actor=None,
                items=items[start : start + services.MAX_PRICES],
            )
        kowalski = _company("Kowalski")
        if kowalski is not None and not CustomerPricing.objects.filter(company=kowalski).exists():
            services.set_company_price_list(company=kowalski, price_list=distributor, actor=None)
    if not Price.objects.filter(price_list=eur).exists():
        spanish = [p for p in products if "-PL-" not in p.sku][::10]
        services.upsert_prices(
            price_list=eur,
            actor=None,
            items=[
                {
                    "sku": p.sku,
                    "min_quantity": quantity,
                    "price": (p.unit_price * percent / 100).quantize(Decimal("0.01")),
                }
                for p in spanish
                for quantity, percent in ((10, 95), (50, 90))
            ],
        )
    gomez = _company("Gómez")
    if gomez is not None and not ContractPrice.objects.filter(company=gomez).exists():
        spanish = [p for p in products if "-PL-" not in p.sku][3:8]
        services.upsert_contract_prices(
            company=gomez,
            actor=None,
            items=[
                {"sku": p.sku, "price": (p.unit_price * Decimal("0.85")).quantize(Decimal("0.01"))}
                for p in spanish
            ],
        )
    return []
