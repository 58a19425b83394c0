import pytest
from django.db import transaction

from inventory.locks import lock_stock_items
from inventory.models import StockItem

from .factories import ProductFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


def test_locks_exactly_the_pairs_asked_for():
    mad, waw = WarehouseFactory(), WarehouseFactory()
    first, second = ProductFactory(), ProductFactory()
    with transaction.atomic():
        locked = lock_stock_items(pairs=[(first.pk, mad.pk), (second.pk, waw.pk)], create=True)
    assert set(locked) == {(first.pk, mad.pk), (second.pk, waw.pk)}
    # Asking again does not hand back the rows of the other combinations.
    StockItem.objects.create(product=first, warehouse=waw)
    with transaction.atomic():
        locked = lock_stock_items(pairs=[(first.pk, mad.pk)])
    assert set(locked) == {(first.pk, mad.pk)}


def test_locks_thousands_of_pairs_in_one_query(django_assert_max_num_queries):
    warehouse = WarehouseFactory()
    products = ProductFactory.create_batch(1500)
    pairs = [(product.pk, warehouse.pk) for product in products]
    with transaction.atomic():
        lock_stock_items(pairs=pairs, create=True)
        with django_assert_max_num_queries(1):
            locked = lock_stock_items(pairs=pairs)
    assert len(locked) == 1500
