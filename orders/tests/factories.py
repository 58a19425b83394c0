import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from inventory import services as inventory
from inventory.tests.factories import ProductFactory, WarehouseFactory
from orders.models import Carrier, Coupon, CouponKind


class CouponFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coupon

    code = factory.Sequence(lambda n: f"PROMO{n}")
    kind = CouponKind.PERCENT
    value = Decimal("10.00")
    currency = factory.LazyAttribute(lambda o: "EUR" if o.kind == CouponKind.FIXED else "")
    minimum_order = Decimal("0.00")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"carrier{n}")
    name = factory.Sequence(lambda n: f"Carrier {n}")
    tracking_url_template = "https://track.example/{tracking}"


def stocked_product(quantity=100, warehouse=None, **fields):
    """A product with ``quantity`` units received in ``warehouse`` (default warehouse)."""
    if warehouse is None:
        warehouse = WarehouseFactory(code="MAD", name="Madrid", is_default=True)
    product = ProductFactory(**fields)
    if quantity:
        inventory.receive(actor=None, product=product, quantity=quantity, warehouse=warehouse)
    return product
