from decimal import Decimal

import factory

from inventory.models import Category, Product, StockItem, Warehouse


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Categoría {n}")
    returnable = True
    return_window_days = 14
    return_conditions = "En su embalaje original"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Producto {n}")
    category = factory.SubFactory(CategoryFactory)
    unit_price = Decimal("10.00")
    tax_category = "standard"
    weight_kg = Decimal("0.500")


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"W{n:02d}")
    name = factory.LazyAttribute(lambda o: f"Almacén {o.code}")
    address = "Polígono Industrial, 28830 San Fernando de Henares"
    is_default = False


class StockItemFactory(factory.django.DjangoModelFactory):
    """A stock item with no stock: give it stock with ``services.receive``."""

    class Meta:
        model = StockItem

    product = factory.SubFactory(ProductFactory)
    warehouse = factory.SubFactory(WarehouseFactory)
